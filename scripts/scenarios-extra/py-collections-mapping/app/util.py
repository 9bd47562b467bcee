from collections import Mapping, OrderedDict


def merge(base, extra):
    out = OrderedDict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out
