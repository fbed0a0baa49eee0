"""local-aws: moto in-process behind a strict SigV4 + CORS layer (see ../README.md)."""
