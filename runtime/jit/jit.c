/* jit.c — the LLVM JIT engine: generate a policy's module (codegen.c),
 * optimise it with the new pass manager, emit a native object in memory,
 * and load that object into an ORC LLJIT whose only outside symbols are the
 * runtime entry points of jit_abi.h, defined by address (the library is
 * built with hidden visibility, so the process symbol table is not used for
 * them). Objects are cached on disk (jit_cache.c), keyed by the IR dump,
 * the target and the forgec version, so a warm run skips code generation.
 *
 * LLVM's target registration is process-global: it is done once, under
 * pthread_once, and is the only shared state; each compile uses its own
 * LLVMContext and each fg_jit its own LLJIT, so compiled policies are
 * independent of each other.
 * Every LLVMErrorRef becomes a false return with a message. */
#include <llvm-c/Analysis.h>
#include <llvm-c/Core.h>
#include <llvm-c/Error.h>
#include <llvm-c/LLJIT.h>
#include <llvm-c/Orc.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Transforms/PassBuilder.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "jit_cache.h"
#include "jit_int.h"

#define FG_JIT_PASSES "default<O2>"

const fg_jit_rt_symbol fg_jit_rt_symbols[] = {
#define SYM(name)                                                                                  \
    {                                                                                              \
#name, (void (*)(void))name                                                                \
    }
    SYM(fg_jit_rt_rowerr),   SYM(fg_jit_rt_call),    SYM(fg_jit_rt_to_str),
    SYM(fg_jit_rt_concat),   SYM(fg_jit_rt_cmp_str), SYM(fg_jit_rt_table_miss),
    SYM(fg_jit_rt_rule_msg), SYM(fg_jit_rt_failed),  SYM(memcmp),
#undef SYM
};
const uint32_t fg_jit_rt_nsymbols = sizeof fg_jit_rt_symbols / sizeof fg_jit_rt_symbols[0];

struct fg_jit {
    fg_allocator alloc;
    LLVMOrcLLJITRef lljit;
    fg_jit_fn fn;
    bool from_cache;
};

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static bool init_ok;

static void init_llvm(void)
{
    init_ok = !LLVMInitializeNativeTarget() && !LLVMInitializeNativeAsmPrinter() &&
              !LLVMInitializeNativeAsmParser();
}

static bool init(fg_strbuf *err)
{
    if (pthread_once(&init_once, init_llvm) != 0 || !init_ok) {
        fg_strbuf_adds(err, "cannot initialise LLVM for the native target");
        return false;
    }
    return true;
}

bool fg_jit_available(void)
{
    return true;
}

/* Turns an LLVMErrorRef into a message; true when there was no error. */
static bool llvm_ok(LLVMErrorRef e, const char *what, fg_strbuf *err)
{
    if (!e)
        return true;
    char *msg = LLVMGetErrorMessage(e);
    fg_strbuf_printf(err, "%s: %s", what, msg ? msg : "unknown LLVM error");
    LLVMDisposeErrorMessage(msg);
    return false;
}

/* The host target: triple, CPU and features (also the cache key's parts). */
typedef struct host {
    char *triple, *cpu, *features;
    LLVMTargetMachineRef tm;
} host;

static void host_free(host *h)
{
    if (h->tm)
        LLVMDisposeTargetMachine(h->tm);
    LLVMDisposeMessage(h->triple);
    LLVMDisposeMessage(h->cpu);
    LLVMDisposeMessage(h->features);
    memset(h, 0, sizeof *h);
}

static bool host_init(host *h, fg_strbuf *err)
{
    memset(h, 0, sizeof *h);
    if (!init(err))
        return false;
    char *def = LLVMGetDefaultTargetTriple();
    h->triple = LLVMNormalizeTargetTriple(def);
    LLVMDisposeMessage(def);
    h->cpu = LLVMGetHostCPUName();
    h->features = LLVMGetHostCPUFeatures();
    LLVMTargetRef target;
    char *msg = NULL;
    if (LLVMGetTargetFromTriple(h->triple, &target, &msg)) {
        fg_strbuf_printf(err, "no LLVM target for %s: %s", h->triple, msg ? msg : "");
        LLVMDisposeMessage(msg);
        host_free(h);
        return false;
    }
    /* PIC: the same object serves the JIT and ahead-of-time linking */
    h->tm = LLVMCreateTargetMachine(target, h->triple, h->cpu, h->features, LLVMCodeGenLevelDefault,
                                    LLVMRelocPIC, LLVMCodeModelDefault);
    if (!h->tm) {
        fg_strbuf_printf(err, "cannot create an LLVM target machine for %s", h->triple);
        host_free(h);
        return false;
    }
    return true;
}

/* Generates, verifies and optimises the policy's module in a new context. */
static bool build_module(const fg_program *prog, const host *h, LLVMContextRef *cx,
                         LLVMModuleRef *mod, fg_strbuf *err)
{
    *cx = LLVMContextCreate();
    *mod = LLVMModuleCreateWithNameInContext(prog->policy_name ? prog->policy_name : "policy", *cx);
    LLVMSetTarget(*mod, h->triple);
    LLVMTargetDataRef dl = LLVMCreateTargetDataLayout(h->tm);
    LLVMSetModuleDataLayout(*mod, dl);
    LLVMDisposeTargetData(dl);
    if (!fg_jit_codegen(prog, *mod, err))
        return false;
    char *msg = NULL;
    if (LLVMVerifyModule(*mod, LLVMReturnStatusAction, &msg)) {
        fg_strbuf_printf(err, "jit codegen produced invalid IR: %s", msg ? msg : "");
        LLVMDisposeMessage(msg);
        return false;
    }
    LLVMDisposeMessage(msg);
    LLVMPassBuilderOptionsRef po = LLVMCreatePassBuilderOptions();
    bool ok = llvm_ok(LLVMRunPasses(*mod, FG_JIT_PASSES, h->tm, po), "LLVM optimisation", err);
    LLVMDisposePassBuilderOptions(po);
    return ok;
}

static void drop_module(LLVMContextRef cx, LLVMModuleRef mod)
{
    if (mod)
        LLVMDisposeModule(mod);
    if (cx)
        LLVMContextDispose(cx);
}

static bool emit(const host *h, LLVMModuleRef mod, LLVMCodeGenFileType type,
                 LLVMMemoryBufferRef *out, fg_strbuf *err)
{
    char *msg = NULL;
    if (LLVMTargetMachineEmitToMemoryBuffer(h->tm, mod, type, &msg, out)) {
        fg_strbuf_printf(err, "LLVM code emission failed: %s", msg ? msg : "");
        LLVMDisposeMessage(msg);
        return false;
    }
    return true;
}

/* Loads an object into a new LLJIT with the runtime entry points defined. */
static bool load_object(fg_jit *j, const char *obj, size_t len, fg_strbuf *err)
{
    LLVMOrcLLJITBuilderRef builder = LLVMOrcCreateLLJITBuilder();
    if (!llvm_ok(LLVMOrcCreateLLJIT(&j->lljit, builder), "cannot create the LLVM JIT", err)) {
        j->lljit = NULL;
        return false;
    }
    LLVMOrcJITDylibRef jd = LLVMOrcLLJITGetMainJITDylib(j->lljit);
    LLVMOrcCSymbolMapPair syms[16];
    for (uint32_t i = 0; i < fg_jit_rt_nsymbols; i++) {
        syms[i].Name = LLVMOrcLLJITMangleAndIntern(j->lljit, fg_jit_rt_symbols[i].name);
        syms[i].Sym.Address = (LLVMOrcExecutorAddress)(uintptr_t)fg_jit_rt_symbols[i].addr;
        syms[i].Sym.Flags.GenericFlags =
            LLVMJITSymbolGenericFlagsExported | LLVMJITSymbolGenericFlagsCallable;
        syms[i].Sym.Flags.TargetFlags = 0;
    }
    LLVMOrcMaterializationUnitRef mu = LLVMOrcAbsoluteSymbols(syms, fg_jit_rt_nsymbols);
    if (!llvm_ok(LLVMOrcJITDylibDefine(jd, mu), "cannot define the runtime symbols", err))
        return false;
    LLVMMemoryBufferRef buf = LLVMCreateMemoryBufferWithMemoryRangeCopy(obj, len, "forge_policy.o");
    if (!llvm_ok(LLVMOrcLLJITAddObjectFile(j->lljit, jd, buf), "cannot load the policy object",
                 err))
        return false;
    LLVMOrcExecutorAddress addr = 0;
    if (!llvm_ok(LLVMOrcLLJITLookup(j->lljit, &addr, FG_JIT_ENTRY_NAME),
                 "cannot link the policy object", err))
        return false;
    j->fn = (fg_jit_fn)(uintptr_t)addr;
    return true;
}

/* Generates and emits the policy's object; *obj is malloc'd on alloc. */
static bool compile_object(const fg_program *prog, const host *h, const fg_allocator *alloc,
                           char **obj, size_t *len, fg_strbuf *err)
{
    LLVMContextRef cx = NULL;
    LLVMModuleRef mod = NULL;
    LLVMMemoryBufferRef buf = NULL;
    bool ok = build_module(prog, h, &cx, &mod, err) && emit(h, mod, LLVMObjectFile, &buf, err);
    if (ok) {
        *len = LLVMGetBufferSize(buf);
        *obj = fg_malloc(alloc, *len ? *len : 1);
        if (*obj)
            memcpy(*obj, LLVMGetBufferStart(buf), *len);
        else
            ok = false, fg_strbuf_adds(err, "out of memory");
    }
    if (buf)
        LLVMDisposeMemoryBuffer(buf);
    drop_module(cx, mod);
    return ok;
}

fg_jit *fg_jit_compile(const fg_allocator *alloc, const fg_program *prog,
                       const fg_jit_options *opts, fg_strbuf *err)
{
    host h;
    if (!host_init(&h, err))
        return NULL;
    fg_jit *j = fg_calloc(alloc, 1, sizeof *j);
    fg_strbuf key;
    fg_strbuf_init(&key, alloc);
    char *obj = NULL;
    size_t len = 0;
    bool ok = false;
    if (!j) {
        fg_strbuf_adds(err, "out of memory");
        goto done;
    }
    j->alloc = alloc ? *alloc : (fg_allocator){NULL, NULL};
    bool use_cache = !(opts && opts->no_cache);
    if (use_cache) {
        fg_jit_cache_key(prog, h.triple, h.cpu, h.features, FG_JIT_PASSES, &key);
        use_cache = !key.failed;
    }
    if (use_cache && fg_jit_cache_load(alloc, opts ? opts->cache_dir : NULL, &key, &obj, &len)) {
        j->from_cache = true;
    } else {
        if (!compile_object(prog, &h, alloc, &obj, &len, err))
            goto done;
        if (use_cache) /* best effort: a cache that cannot be written is no cache */
            fg_jit_cache_store(alloc, opts ? opts->cache_dir : NULL, &key, obj, len);
    }
    ok = load_object(j, obj, len, err);
done:
    fg_free(alloc, obj);
    fg_strbuf_free(&key);
    host_free(&h);
    if (!ok) {
        fg_jit_free(j);
        return NULL;
    }
    return j;
}

bool fg_jit_from_cache(const fg_jit *j)
{
    return j && j->from_cache;
}

bool fg_jit_batch(fg_jit *j, const fg_program *prog, fg_batch *batch, fg_results *res,
                  const fg_eval_opts *opts)
{
    return fg_jit_run_fn(j->fn, prog, batch, res, opts);
}

void fg_jit_free(fg_jit *j)
{
    if (!j)
        return;
    if (j->lljit) {
        LLVMErrorRef e = LLVMOrcDisposeLLJIT(j->lljit);
        if (e)
            LLVMConsumeError(e);
    }
    fg_allocator alloc = j->alloc;
    fg_free(&alloc, j);
}

bool fg_jit_emit(const fg_program *prog, fg_emit_kind kind, fg_byte_sink sink, fg_strbuf *err)
{
    host h;
    if (!host_init(&h, err))
        return false;
    LLVMContextRef cx = NULL;
    LLVMModuleRef mod = NULL;
    LLVMMemoryBufferRef buf = NULL;
    bool ok = build_module(prog, &h, &cx, &mod, err);
    if (ok && kind == FG_EMIT_LLVM) {
        char *text = LLVMPrintModuleToString(mod);
        ok = sink.write(sink.ud, text, strlen(text));
        LLVMDisposeMessage(text);
        if (!ok)
            fg_strbuf_adds(err, "cannot write the output");
    } else if (ok) {
        ok = emit(&h, mod, kind == FG_EMIT_ASM ? LLVMAssemblyFile : LLVMObjectFile, &buf, err);
        if (ok && !sink.write(sink.ud, LLVMGetBufferStart(buf), LLVMGetBufferSize(buf))) {
            fg_strbuf_adds(err, "cannot write the output");
            ok = false;
        }
    }
    if (buf)
        LLVMDisposeMemoryBuffer(buf);
    drop_module(cx, mod);
    host_free(&h);
    return ok;
}
