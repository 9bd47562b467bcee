def status():
    return "ok"
