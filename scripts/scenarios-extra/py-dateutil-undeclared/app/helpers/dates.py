from dateutil import parser


def iso(text):
    return parser.parse(text).isoformat()
