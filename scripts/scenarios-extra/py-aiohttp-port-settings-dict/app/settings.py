SERVER = {"host": "0.0.0.0", "port": 9000}
