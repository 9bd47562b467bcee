from .helpres import ok


def status():
    return ok()
