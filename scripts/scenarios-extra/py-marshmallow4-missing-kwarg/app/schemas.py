from marshmallow import Schema, fields


class TaskSchema(Schema):
    title = fields.Str(required=True)
    status = fields.Str(missing="open")
