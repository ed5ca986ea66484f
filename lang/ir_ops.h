/* ir_ops.h — the IR operations, one line each. This single list drives the
 * interpreter's dispatch, the IR dump and (later) the JIT's code generator.
 *   X(NAME, args, "what it does")
 * args: number of operands, or -1 when variable (nargs in the node).
 * Every op propagates nothing implicitly: only COALESCE, IS_MISSING,
 * IS_PRESENT, TO_NUM and the loads accept or produce missing values. */
#ifndef FG_IR_OPS_H
#define FG_IR_OPS_H

#define FG_IR_OPS(X)                                                                               \
    X(CONST_INT, 0, "int literal in imm.i")                                                        \
    X(CONST_NUM, 0, "num literal in imm.n")                                                        \
    X(CONST_BOOL, 0, "bool literal in imm.b")                                                      \
    X(CONST_STR, 0, "str literal in imm.s (bytes in the program arena)")                           \
    X(INPUT, 0, "this row's value of input column imm.index (may be missing if optional)")         \
    X(SLOT, 0, "this row's value of slot imm.index, computed earlier in slot order")               \
    X(PARAM, 0, "parameter imm.index of the enclosing fn or table")                                \
    X(TO_NUM, 1, "int -> num widening; a missing int gives a missing num")                         \
    X(NEG_INT, 1, "-x on int; overflow (-INT64_MIN) is a row error")                               \
    X(NEG_NUM, 1, "-x on num")                                                                     \
    X(ADD_INT, 2, "a + b on int; overflow is a row error")                                         \
    X(SUB_INT, 2, "a - b on int; overflow is a row error")                                         \
    X(MUL_INT, 2, "a * b on int; overflow is a row error")                                         \
    X(ADD_NUM, 2, "a + b on num; a non-finite result is a row error")                              \
    X(SUB_NUM, 2, "a - b on num; a non-finite result is a row error")                              \
    X(MUL_NUM, 2, "a * b on num; a non-finite result is a row error")                              \
    X(DIV_NUM, 2, "a / b on num; b == 0 is division by zero, non-finite is a row error")           \
    X(CMP_INT, 2, "compare ints; sub is the fg_cmp")                                               \
    X(CMP_NUM, 2, "compare nums (IEEE); sub is the fg_cmp")                                        \
    X(CMP_STR, 2, "compare strings byte-wise; sub is the fg_cmp")                                  \
    X(CMP_BOOL, 2, "== or != on bools; sub is the fg_cmp")                                         \
    X(NOT, 1, "logical not")                                                                       \
    X(AND, 2, "a and b, b evaluated only when a is true")                                          \
    X(OR, 2, "a or b, b evaluated only when a is false")                                           \
    X(IF, 3, "if a then b else c; only the taken branch is evaluated")                             \
    X(COALESCE, 2, "a ?? b: a when present, else b (b evaluated only then)")                       \
    X(IS_MISSING, 1, "true when a is missing")                                                     \
    X(IS_PRESENT, 1, "true when a is present")                                                     \
    X(IN, -1, "args[0] equal to one of args[1..]; operands share one base type")                   \
    X(BETWEEN, 3, "args[1] <= args[0] <= args[2]; operands share one base type")                   \
    X(CALL, -1, "built-in function sub (fg_builtin id) on args")                                   \
    X(CALL_FN, -1, "user fn imm.index on args")                                                    \
    X(CALL_TABLE, -1, "decision table imm.index on args; no matching row is a row error")          \
    X(DECIDE, -1, "args = c1, v1, c2, v2, ..., otherwise: value of the first true arm")            \
    X(TO_STR, 1, "format a value as output writes it (int, num, bool or str)")                     \
    X(CONCAT, -1, "concatenate string args (string interpolation)")                                \
    X(FAILED, 0, "messages of this row's failed rules in rule order, joined by \"; \"")            \
    X(FAILED_COUNT, 0, "number of this row's failed rules")

typedef enum fg_op {
#define FG_X_ENUM(name, nargs, doc) FG_IR_##name,
    FG_IR_OPS(FG_X_ENUM)
#undef FG_X_ENUM
        FG_IR_OP_COUNT
} fg_op;

typedef enum fg_cmp { FG_CMP_EQ, FG_CMP_NE, FG_CMP_LT, FG_CMP_LE, FG_CMP_GT, FG_CMP_GE } fg_cmp;

#endif
