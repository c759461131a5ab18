'use strict';
// 010.sleep: sleeps for `ms` milliseconds (0..600000), then answers; an I/O-bound function that holds a slot.

const { setTimeout: sleep } = require('timers/promises');

// A number without a fractional part within [low, high]; the same rule and message in every language.
function integerField(event, key, low, high) {
    if (event === null || typeof event !== 'object' || Array.isArray(event)) {
        throw new TypeError('expected a JSON object');
    }
    const value = event[key];
    if (!Number.isInteger(value) || value < low || value > high) {
        throw new RangeError(`${key} must be an integer between ${low} and ${high}`);
    }
    return value;
}

exports.handler = async (event) => {
    const ms = integerField(event, 'ms', 0, 600000);
    await sleep(ms);
    return { slept_ms: ms };
};
