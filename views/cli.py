"""`flask …` commands a person runs. Thin: parse arguments, call a service, print."""


def register(app):
    pass
