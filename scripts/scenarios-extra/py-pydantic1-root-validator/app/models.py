from pydantic import BaseModel, root_validator


class Window(BaseModel):
    start: int
    end: int

    @root_validator
    def ordered(cls, values):
        if values.get("start", 0) > values.get("end", 0):
            raise ValueError("start after end")
        return values
