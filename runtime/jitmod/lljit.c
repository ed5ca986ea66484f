/* lljit.c — the LLVM half of the JIT engine, built into forge-jit.so
 * (runtime/jit/jit_mod.h): generate a policy's module (codegen.c), optimise
 * it with the new pass manager, emit a native object in memory, and load
 * objects into an ORC LLJIT whose only outside symbols are the runtime entry
 * points libforge passes in by address (plus the process's C library, for
 * memcmp/bcmp and whatever LLVM's code generator calls). Caching, choosing
 * between LLJIT and libforge's own object loader, and the runtime itself
 * stay in libforge.
 *
 * LLVM's target registration is process-global: it is done once, under
 * pthread_once, and is the module's only shared state; each compile uses its
 * own LLVMContext and each load its own LLJIT, so compiled policies are
 * independent of each other. Every LLVMErrorRef becomes a false return with
 * a message. */
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

#include "jitmod_int.h"

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

/* The host target: triple, CPU and features. */
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

static bool host_init(host *h, bool with_tm, fg_strbuf *err)
{
    memset(h, 0, sizeof *h);
    if (!init(err))
        return false;
    char *def = LLVMGetDefaultTargetTriple();
    h->triple = LLVMNormalizeTargetTriple(def);
    LLVMDisposeMessage(def);
    h->cpu = LLVMGetHostCPUName();
    h->features = LLVMGetHostCPUFeatures();
    if (!with_tm)
        return true;
    LLVMTargetRef target;
    char *msg = NULL;
    if (LLVMGetTargetFromTriple(h->triple, &target, &msg)) {
        fg_strbuf_printf(err, "no LLVM target for %s: %s", h->triple, msg ? msg : "");
        LLVMDisposeMessage(msg);
        host_free(h);
        return false;
    }
    /* PIC: the same object serves the JIT, the object loader and ahead-of-time linking */
    h->tm = LLVMCreateTargetMachine(target, h->triple, h->cpu, h->features, LLVMCodeGenLevelDefault,
                                    LLVMRelocPIC, LLVMCodeModelDefault);
    if (!h->tm) {
        fg_strbuf_printf(err, "cannot create an LLVM target machine for %s", h->triple);
        host_free(h);
        return false;
    }
    return true;
}

static bool host_text(fg_strbuf *out, fg_strbuf *err)
{
    host h;
    if (!host_init(&h, false, err))
        return false;
    fg_strbuf_printf(out, "triple %s\ncpu %s\nfeatures %s\n", h.triple, h.cpu, h.features);
    host_free(&h);
    return !out->failed;
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

static bool emit_buffer(const host *h, LLVMModuleRef mod, LLVMCodeGenFileType type,
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

/* Generates and emits the policy's object; *obj is allocated on alloc. */
static bool compile(const fg_allocator *alloc, const fg_program *prog, char **obj, size_t *len,
                    fg_strbuf *err)
{
    host h;
    if (!host_init(&h, true, err))
        return false;
    LLVMContextRef cx = NULL;
    LLVMModuleRef mod = NULL;
    LLVMMemoryBufferRef buf = NULL;
    bool ok =
        build_module(prog, &h, &cx, &mod, err) && emit_buffer(&h, mod, LLVMObjectFile, &buf, err);
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
    host_free(&h);
    return ok;
}

static void unload(fg_jitmod_lljit *jit)
{
    if (!jit)
        return;
    LLVMErrorRef e = LLVMOrcDisposeLLJIT((LLVMOrcLLJITRef)jit);
    if (e)
        LLVMConsumeError(e);
}

/* ORC reports some failures (say, an undefined symbol) to its session
 * instead of the failing call, and by default prints them: they are kept
 * in ctx (an fg_strbuf) while loading, dropped after. */
static void session_error(void *ctx, LLVMErrorRef e)
{
    char *msg = LLVMGetErrorMessage(e);
    if (ctx && !((fg_strbuf *)ctx)->len)
        fg_strbuf_adds(ctx, msg);
    LLVMDisposeErrorMessage(msg);
}

/* A new LLJIT with syms defined by address and obj added; the handle is
 * the LLJIT itself. */
static fg_jitmod_lljit *load(const char *obj, size_t len, const fg_jit_rt_symbol *syms,
                             uint32_t nsyms, fg_jit_fn *entry, fg_strbuf *err)
{
    LLVMOrcLLJITRef lljit = NULL;
    LLVMOrcCSymbolMapPair *map = NULL;
    if (!init(err))
        return NULL;
    LLVMOrcLLJITBuilderRef builder = LLVMOrcCreateLLJITBuilder();
    if (!llvm_ok(LLVMOrcCreateLLJIT(&lljit, builder), "cannot create the LLVM JIT", err))
        return NULL;
    LLVMOrcExecutionSessionRef es = LLVMOrcLLJITGetExecutionSession(lljit);
    fg_strbuf reported;
    fg_strbuf_init(&reported, NULL);
    LLVMOrcExecutionSessionSetErrorReporter(es, session_error, &reported);
    LLVMOrcJITDylibRef jd = LLVMOrcLLJITGetMainJITDylib(lljit);
    map = fg_calloc(NULL, nsyms ? nsyms : 1, sizeof *map);
    if (!map) {
        fg_strbuf_adds(err, "out of memory");
        goto fail;
    }
    for (uint32_t i = 0; i < nsyms; i++) {
        map[i].Name = LLVMOrcLLJITMangleAndIntern(lljit, syms[i].name);
        map[i].Sym.Address = (LLVMOrcExecutorAddress)(uintptr_t)syms[i].addr;
        map[i].Sym.Flags.GenericFlags =
            LLVMJITSymbolGenericFlagsExported | LLVMJITSymbolGenericFlagsCallable;
        map[i].Sym.Flags.TargetFlags = 0;
    }
    LLVMOrcMaterializationUnitRef mu = LLVMOrcAbsoluteSymbols(map, nsyms);
    if (!llvm_ok(LLVMOrcJITDylibDefine(jd, mu), "cannot define the runtime symbols", err))
        goto fail;
    LLVMMemoryBufferRef buf = LLVMCreateMemoryBufferWithMemoryRangeCopy(obj, len, "forge_policy.o");
    if (!llvm_ok(LLVMOrcLLJITAddObjectFile(lljit, jd, buf), "cannot load the policy object", err))
        goto fail;
    LLVMOrcExecutorAddress addr = 0;
    if (!llvm_ok(LLVMOrcLLJITLookup(lljit, &addr, FG_JIT_ENTRY_NAME),
                 "cannot link the policy object", err))
        goto fail;
    fg_free(NULL, map);
    LLVMOrcExecutionSessionSetErrorReporter(es, session_error, NULL);
    fg_strbuf_free(&reported);
    *entry = (fg_jit_fn)(uintptr_t)addr;
    return (fg_jitmod_lljit *)lljit;
fail:
    if (reported.len)
        fg_strbuf_printf(err, " (%s)", reported.data);
    fg_free(NULL, map);
    unload((fg_jitmod_lljit *)lljit);
    fg_strbuf_free(&reported);
    return NULL;
}

static bool emit(const fg_program *prog, fg_emit_kind kind, fg_byte_sink sink, fg_strbuf *err)
{
    host h;
    if (!host_init(&h, true, err))
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
        ok = emit_buffer(&h, mod, kind == FG_EMIT_ASM ? LLVMAssemblyFile : LLVMObjectFile, &buf,
                         err);
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

static const fg_jitmod_api api = {
    .abi_version = FG_JITMOD_ABI_VERSION,
    .size = sizeof(fg_jitmod_api),
    .forge_version = FORGE_VERSION_STRING,
    .sizeof_program = sizeof(fg_program),
    .sizeof_ir = sizeof(fg_ir),
    .sizeof_strbuf = sizeof(fg_strbuf),
    .sizeof_ctx = sizeof(fg_jit_ctx),
    .host_text = host_text,
    .compile = compile,
    .load = load,
    .unload = unload,
    .emit = emit,
};

/* The module's only exported symbol (cmake/forge-jit.map). */
const fg_jitmod_api *forge_jit_module(uint32_t abi_version)
{
    return abi_version == FG_JITMOD_ABI_VERSION ? &api : NULL;
}
