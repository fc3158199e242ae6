/** This package's version (a test checks it against package.json). */
export const version = '0.1.0';
