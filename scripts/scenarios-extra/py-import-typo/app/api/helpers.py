def ok():
    return {'status': 'ok'}
