'use strict';
// 000.noop: answers an empty object; measures the platform and wrapper, not the function.

exports.handler = async () => ({});
