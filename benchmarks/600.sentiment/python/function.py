"""600.sentiment: lexicon-based sentiment of one `text`, or of a batch of `records` ([{id, text}, ...]).

The lexicon is ../lexicon.txt, shared by the three languages (a copy beside this file wins, for images that flatten
the folder). The rules, identical in C++, Python and Node.js so scores agree to the last digit:
- tokens are maximal runs of ASCII letters, digits and apostrophes, lowercased, with apostrophes at the edges
  removed; any other character (non-ASCII included) separates tokens;
- a word's weight is doubled after an intensifier ("very good") and its sign flipped after a negator, also across
  one intensifier ("not good", "not very good");
- score = total / sqrt(total^2 + 15) (VADER's normalisation into -1..1), rounded to 4 decimals;
  positive when score >= 0.05, negative when score <= -0.05, else neutral.
A batch answers every record's verdict plus one for the whole batch (the mean of the scores, summed in order), so
`sentiment` and `score` are present in both shapes.
"""

import math
import os
import re

MAX_RECORDS = 10_000
POSITIVE_THRESHOLD = 0.05
NORMALIZATION_ALPHA = 15
TOKEN = re.compile(r"[A-Za-z0-9']+")
RAW_STRING_LINES = ('R"lexicon(', ')lexicon"')


def lexicon_path():
    here = os.path.dirname(os.path.abspath(__file__))
    for candidate in (os.path.join(here, 'lexicon.txt'), os.path.join(here, '..', 'lexicon.txt')):
        if os.path.isfile(candidate):
            return candidate
    raise FileNotFoundError(f'lexicon.txt is neither beside {__file__} nor in its parent folder')


def load_lexicon(path):
    weights, negators, intensifiers = {}, set(), set()
    with open(path, encoding='ascii') as lines:
        for number, line in enumerate(lines, 1):
            line = line.strip()
            if not line or line.startswith('#') or line in RAW_STRING_LINES:
                continue
            fields = line.split()
            if len(fields) != 2:
                raise ValueError(f'{path}:{number}: expected "<word> <weight|negate|intensify>"')
            word, value = fields
            if value == 'negate':
                negators.add(word)
            elif value == 'intensify':
                intensifiers.add(word)
            else:
                weights[word] = int(value)
    return weights, negators, intensifiers


WEIGHTS, NEGATORS, INTENSIFIERS = load_lexicon(lexicon_path())


def tokens(text):
    words = (match.lower().strip("'") for match in TOKEN.findall(text))
    return [word for word in words if word]


def total_weight(words):
    total = 0
    for i, word in enumerate(words):
        weight = WEIGHTS.get(word)
        if weight is None:
            continue
        before = words[i - 1] if i >= 1 else ''
        before2 = words[i - 2] if i >= 2 else ''
        if before in INTENSIFIERS:
            weight *= 2
        if before in NEGATORS or (before in INTENSIFIERS and before2 in NEGATORS):
            weight = -weight
        total += weight
    return total


def rounded(value):
    """floor(x * 1e4 + 0.5) / 1e4 in every language: the same IEEE operations give the same double."""
    return math.floor(value * 10000 + 0.5) / 10000


def verdict(score):
    if score >= POSITIVE_THRESHOLD:
        return 'positive', score
    if score <= -POSITIVE_THRESHOLD:
        return 'negative', score
    return 'neutral', score


def analyse(text):
    total = total_weight(tokens(text))
    return verdict(rounded(total / math.sqrt(total * total + NORMALIZATION_ALPHA)))


def text_field(value, where):
    if not isinstance(value, str):
        raise TypeError(f'{where} must be a string')
    return value


def record_id(record, index):
    value = record.get('id')
    integral = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if isinstance(value, bool) or not (isinstance(value, str) or integral):
        raise TypeError(f'records[{index}].id must be a string or an integer')
    return value


def analyse_records(records):
    if not isinstance(records, list) or not 1 <= len(records) <= MAX_RECORDS:
        raise ValueError(f'records must be a list of 1 to {MAX_RECORDS} {{"id", "text"}} objects')
    results = []
    summary = {'positive': 0, 'negative': 0, 'neutral': 0}
    score_sum = 0.0
    for index, record in enumerate(records):
        if not isinstance(record, dict):
            raise TypeError(f'records[{index}] must be an object with "id" and "text"')
        identifier = record_id(record, index)
        sentiment, score = analyse(text_field(record.get('text'), f'records[{index}].text'))
        results.append({'id': identifier, 'sentiment': sentiment, 'score': score})
        summary[sentiment] += 1
        score_sum += score
    sentiment, score = verdict(rounded(score_sum / len(records)))
    return {'sentiment': sentiment, 'score': score, 'results': results, 'summary': summary}


def handler(event, context=None):
    if not isinstance(event, dict):
        raise TypeError('expected a JSON object')
    if ('text' in event) == ('records' in event):
        raise ValueError('give exactly one of "text" (a string) or "records" (a list of {"id", "text"})')
    if 'records' in event:
        return analyse_records(event['records'])
    sentiment, score = analyse(text_field(event['text'], 'text'))
    return {'sentiment': sentiment, 'score': score}
