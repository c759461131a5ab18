// 600.sentiment: lexicon-based sentiment of one `text`, or of a batch of `records` ([{id, text}, ...]).
//
// The lexicon is ../lexicon.txt, shared by the three languages (a copy beside this file wins, for images that
// flatten the folder). The rules are spelled out in python/function.py and benchmarks/README.md; they are identical
// in C++, Python and Node.js so scores agree to the last digit. A batch also answers a verdict for the whole batch
// (the mean score), so `sentiment` and `score` are present in both shapes.
'use strict';

const fs = require('fs');
const path = require('path');

const MAX_RECORDS = 10000;
const POSITIVE_THRESHOLD = 0.05;
const NORMALIZATION_ALPHA = 15;
const TOKEN = /[A-Za-z0-9']+/g;
const RAW_STRING_LINES = new Set(['R"lexicon(', ')lexicon"']);

function lexiconPath() {
    const candidates = [path.join(__dirname, 'lexicon.txt'), path.join(__dirname, '..', 'lexicon.txt')];
    const found = candidates.find((candidate) => fs.existsSync(candidate));
    if (!found) {
        throw new Error(`lexicon.txt is neither beside ${__filename} nor in its parent folder`);
    }
    return found;
}

function loadLexicon(file) {
    const lexicon = { weights: new Map(), negators: new Set(), intensifiers: new Set() };
    fs.readFileSync(file, 'ascii').split('\n').forEach((raw, index) => {
        const line = raw.trim();
        if (!line || line.startsWith('#') || RAW_STRING_LINES.has(line)) {
            return;
        }
        const fields = line.split(/\s+/);
        if (fields.length !== 2) {
            throw new Error(`${file}:${index + 1}: expected "<word> <weight|negate|intensify>"`);
        }
        const [word, value] = fields;
        if (value === 'negate') {
            lexicon.negators.add(word);
        } else if (value === 'intensify') {
            lexicon.intensifiers.add(word);
        } else {
            lexicon.weights.set(word, Number.parseInt(value, 10));
        }
    });
    return lexicon;
}

const { weights, negators, intensifiers } = loadLexicon(lexiconPath());

function tokens(text) {
    return (text.match(TOKEN) || []).map((match) => match.toLowerCase().replace(/^'+|'+$/g, '')).filter(Boolean);
}

function totalWeight(words) {
    let total = 0;
    words.forEach((word, i) => {
        let weight = weights.get(word);
        if (weight === undefined) {
            return;
        }
        const before = i >= 1 ? words[i - 1] : '';
        const before2 = i >= 2 ? words[i - 2] : '';
        if (intensifiers.has(before)) {
            weight *= 2;
        }
        if (negators.has(before) || (intensifiers.has(before) && negators.has(before2))) {
            weight = -weight;
        }
        total += weight;
    });
    return total;
}

// floor(x * 1e4 + 0.5) / 1e4 in every language: the same IEEE operations give the same double.
const rounded = (value) => Math.floor(value * 10000 + 0.5) / 10000;

function verdict(score) {
    if (score >= POSITIVE_THRESHOLD) {
        return { sentiment: 'positive', score };
    }
    if (score <= -POSITIVE_THRESHOLD) {
        return { sentiment: 'negative', score };
    }
    return { sentiment: 'neutral', score };
}

function analyse(text) {
    const total = totalWeight(tokens(text));
    return verdict(rounded(total / Math.sqrt(total * total + NORMALIZATION_ALPHA)));
}

function textField(value, where) {
    if (typeof value !== 'string') {
        throw new TypeError(`${where} must be a string`);
    }
    return value;
}

function recordId(record, index) {
    const value = record.id;
    if (typeof value !== 'string' && !Number.isInteger(value)) {
        throw new TypeError(`records[${index}].id must be a string or an integer`);
    }
    return value;
}

function analyseRecords(records) {
    if (!Array.isArray(records) || records.length < 1 || records.length > MAX_RECORDS) {
        throw new RangeError(`records must be a list of 1 to ${MAX_RECORDS} {"id", "text"} objects`);
    }
    const summary = { positive: 0, negative: 0, neutral: 0 };
    let scoreSum = 0;
    const results = records.map((record, index) => {
        if (record === null || typeof record !== 'object' || Array.isArray(record)) {
            throw new TypeError(`records[${index}] must be an object with "id" and "text"`);
        }
        const id = recordId(record, index);
        const { sentiment, score } = analyse(textField(record.text, `records[${index}].text`));
        summary[sentiment]++;
        scoreSum += score;
        return { id, sentiment, score };
    });
    return { ...verdict(rounded(scoreSum / records.length)), results, summary };
}

exports.handler = (event) => {
    if (event === null || typeof event !== 'object' || Array.isArray(event)) {
        throw new TypeError('expected a JSON object');
    }
    if (('text' in event) === ('records' in event)) {
        throw new TypeError('give exactly one of "text" (a string) or "records" (a list of {"id", "text"})');
    }
    if ('records' in event) {
        return analyseRecords(event.records);
    }
    return analyse(textField(event.text, 'text'));
};
