"""000.noop: answers an empty object; measures the platform and wrapper, not the function."""


def handler(event, context=None):
    return {}
