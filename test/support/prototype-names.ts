/**
 * Names a plain object answers for without having them: every own property of
 * Object.prototype (constructor, toString, hasOwnProperty, __proto__, valueOf, ...), plus a
 * few that functions, arrays and promises carry. A lookup by untrusted key that reads the
 * prototype chain finds something for each of these; the Worker tests send them everywhere a
 * client chooses a name.
 */
export const PROTOTYPE_NAMES: readonly string[] = [
  ...new Set([
    ...Object.getOwnPropertyNames(Object.prototype),
    ...Object.getOwnPropertyNames(Function.prototype),
    "prototype",
    "then",
    "toJSON",
    "length",
  ]),
];
