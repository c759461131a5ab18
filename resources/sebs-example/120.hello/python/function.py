"""A minimal benchmark in SeBS's layout: greets `name` and says how long it took, like SeBS's measurement dict."""

import datetime


def handler(event):
    begin = datetime.datetime.now()
    name = event.get('name', 'world')
    if not isinstance(name, str):
        raise ValueError('name must be a string')
    greeting = f'hello, {name}'
    end = datetime.datetime.now()
    return {'result': greeting, 'measurement': {'compute_time': (end - begin) / datetime.timedelta(microseconds=1)}}
