"""030.memory: allocates `mb` MiB (1..4096) and touches every page, so the memory is really resident."""

import math

PAGE = 4096
MIB = 1024 * 1024


def integer_field(event, key, low, high):
    """A number without a fractional part within [low, high]; the same rule and message in every language."""
    if not isinstance(event, dict):
        raise TypeError('expected a JSON object')
    value = event.get(key)
    number = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if not number or value != int(value) or not low <= value <= high:
        raise ValueError(f'{key} must be an integer between {low} and {high}')
    return int(value)


def touch(mb):
    # bytearray(n) may come from fresh zero pages the kernel has not mapped yet; writing one byte per page
    # (a strided slice assignment, at C speed) makes every page resident.
    block = bytearray(mb * MIB)
    block[::PAGE] = b'\x01' * len(range(0, len(block), PAGE))
    return sum(block[::PAGE * 256])  # read back, so the writes cannot be skipped


def handler(event, context=None):
    mb = integer_field(event, 'mb', 1, 4096)
    touch(mb)
    return {'allocated_mb': mb}
