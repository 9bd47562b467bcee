import collections


def merge(base, extra):
    out = collections.OrderedDict(base)
    for key, value in extra.items():
        if isinstance(value, collections.Mapping) and isinstance(out.get(key), collections.Mapping):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out
