/* builtins_list.h — the built-in functions, one line per typed variant:
 *   X(ID, "name", result, arity, p1, p2, p3, "doc")
 * arity >= 0: exactly that many parameters of types p1..p3;
 * arity == -2: two or more parameters, all of type p1 (min, max, concat).
 * The checker picks, for a call, the first variant of that name whose
 * parameters accept the arguments (an int argument is accepted where num is
 * declared, with widening), so INT variants come before NUM ones.
 * Arguments are never missing (null safety is checked statically). */
#ifndef FG_BUILTINS_LIST_H
#define FG_BUILTINS_LIST_H

#define FG_BUILTINS(X)                                                                             \
    X(MIN_INT, "min", FG_T_INT, -2, FG_T_INT, 0, 0, "smallest of the ints")                        \
    X(MIN_NUM, "min", FG_T_NUM, -2, FG_T_NUM, 0, 0, "smallest of the nums")                        \
    X(MAX_INT, "max", FG_T_INT, -2, FG_T_INT, 0, 0, "largest of the ints")                         \
    X(MAX_NUM, "max", FG_T_NUM, -2, FG_T_NUM, 0, 0, "largest of the nums")                         \
    X(ABS_INT, "abs", FG_T_INT, 1, FG_T_INT, 0, 0, "absolute value; abs(INT64_MIN) overflows")     \
    X(ABS_NUM, "abs", FG_T_NUM, 1, FG_T_NUM, 0, 0, "absolute value")                               \
    X(ROUND, "round", FG_T_NUM, 1, FG_T_NUM, 0, 0, "round half away from zero to an integer")      \
    X(ROUND_DIGITS, "round", FG_T_NUM, 2, FG_T_NUM, FG_T_INT, 0,                                   \
      "round the shortest decimal text at d digits")                                               \
    X(FLOOR, "floor", FG_T_NUM, 1, FG_T_NUM, 0, 0, "largest integer <= x")                         \
    X(CEIL, "ceil", FG_T_NUM, 1, FG_T_NUM, 0, 0, "smallest integer >= x")                          \
    X(CLAMP_INT, "clamp", FG_T_INT, 3, FG_T_INT, FG_T_INT, FG_T_INT, "x limited to [lo, hi]")      \
    X(CLAMP_NUM, "clamp", FG_T_NUM, 3, FG_T_NUM, FG_T_NUM, FG_T_NUM, "x limited to [lo, hi]")      \
    X(SQRT, "sqrt", FG_T_NUM, 1, FG_T_NUM, 0, 0, "square root; negative x is a row error (NaN)")   \
    X(POW, "pow", FG_T_NUM, 2, FG_T_NUM, FG_T_NUM, 0, "x to the power y")                          \
    X(LOG, "log", FG_T_NUM, 1, FG_T_NUM, 0, 0, "natural logarithm")                                \
    X(EXP, "exp", FG_T_NUM, 1, FG_T_NUM, 0, 0, "e to the power x")                                 \
    X(MOD_INT, "mod", FG_T_INT, 2, FG_T_INT, FG_T_INT, 0,                                          \
      "floored modulo (sign of b); b = 0 is a row error")                                          \
    X(MOD_NUM, "mod", FG_T_NUM, 2, FG_T_NUM, FG_T_NUM, 0,                                          \
      "floored modulo (sign of b); b = 0 is a row error")                                          \
    X(INT_OF, "int", FG_T_INT, 1, FG_T_NUM, 0, 0,                                                  \
      "truncate toward zero; out of range is a row error")                                         \
    X(NUM_OF, "num", FG_T_NUM, 1, FG_T_NUM, 0, 0, "the number as num")                             \
    X(LEN, "len", FG_T_INT, 1, FG_T_STR, 0, 0, "number of code points")                            \
    X(LOWER, "lower", FG_T_STR, 1, FG_T_STR, 0, 0, "ASCII letters to lower case")                  \
    X(UPPER, "upper", FG_T_STR, 1, FG_T_STR, 0, 0, "ASCII letters to upper case")                  \
    X(TRIM, "trim", FG_T_STR, 1, FG_T_STR, 0, 0, "without leading and trailing ASCII white space") \
    X(CONTAINS, "contains", FG_T_BOOL, 2, FG_T_STR, FG_T_STR, 0, "s contains t")                   \
    X(STARTS_WITH, "starts_with", FG_T_BOOL, 2, FG_T_STR, FG_T_STR, 0, "s starts with t")          \
    X(ENDS_WITH, "ends_with", FG_T_BOOL, 2, FG_T_STR, FG_T_STR, 0, "s ends with t")                \
    X(CONCAT, "concat", FG_T_STR, -2, FG_T_STR, 0, 0, "the strings joined")                        \
    X(STR_INT, "str", FG_T_STR, 1, FG_T_INT, 0, 0, "int as output writes it")                      \
    X(STR_NUM, "str", FG_T_STR, 1, FG_T_NUM, 0, 0,                                                 \
      "num as output writes it (shortest round trip)")                                             \
    X(STR_BOOL, "str", FG_T_STR, 1, FG_T_BOOL, 0, 0, "true or false")                              \
    X(STR_STR, "str", FG_T_STR, 1, FG_T_STR, 0, 0, "the string itself")

#endif
