from dateutil import parser


def normalise(text: str) -> str:
    return parser.parse(text).isoformat()
