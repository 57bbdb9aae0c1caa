// Package stdcode checks codes defined by Chinese national standards and
// masks personal data for display.
//
//   - Unified Social Credit Code (统一社会信用代码), GB 32100-2015, with the
//     organisation code inside it (GB 11714) checked as a warning only.
//   - Resident ID number (公民身份号码), GB 11643-1999.
//   - Administrative division codes (GB/T 2260) of Liaoning province,
//     Shenyang and its districts and counties, with the historical codes and
//     names still found on old records.
//
// Input is normalised before it is checked: surrounding spaces are trimmed,
// full-width ASCII characters (as pasted from word processors) become
// half-width and ASCII letters are upper-cased.
//
// Failures are *Error values whose Message says what to fix, in Chinese or
// English.
package stdcode
