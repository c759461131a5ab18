'use strict';
// 030.memory: allocates `mb` MiB (1..4096) and touches every page, so the memory is really resident.

const PAGE = 4096;
const MIB = 1024 * 1024;

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

function touch(mb) {
    // Buffer.allocUnsafeSlow skips the zero fill, so the writes below are what makes each page resident
    // (and it stays outside the V8 heap, whose limit would refuse gigabytes).
    const block = Buffer.allocUnsafeSlow(mb * MIB);
    for (let offset = 0; offset < block.length; offset += PAGE) {
        block[offset] = 1;
    }
    let sum = 0;
    for (let offset = 0; offset < block.length; offset += PAGE * 256) {
        sum += block[offset]; // read back, so the writes cannot be skipped
    }
    return sum;
}

exports.handler = (event) => {
    const mb = integerField(event, 'mb', 1, 4096);
    touch(mb);
    return { allocated_mb: mb };
};
