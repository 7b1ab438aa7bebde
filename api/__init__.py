"""The realist-kg HTTP service: thin FastAPI routers over the `cmo` library."""
