/* objload.c — the x86-64 ELF relocatable object loader (objload.h).
 *
 * One anonymous mapping holds three page-aligned regions: code (the
 * SHF_EXECINSTR sections, then the call stubs), constants (the other
 * read-only sections, then the private GOT) and data (SHF_WRITE sections).
 * .eh_frame, notes and every section without SHF_ALLOC are not loaded (the
 * generated code neither throws nor needs unwinding). The mapping is made
 * read-write, filled and relocated, then code becomes R+X and constants R:
 * never writable and executable at once.
 *
 * Relocations handled (all the types LLVM emits for our PIC objects with
 * the default code model, and the few others a small object may carry):
 * R_X86_64_NONE, 64, PC64, PC32, PLT32, GOTPCREL, GOTPCRELX, REX_GOTPCRELX
 * (through the private GOT, never relaxed), 32 and 32S (when the value
 * fits). A PLT32 call whose target is farther than +-2 GiB (a runtime entry
 * point in the executable while the mapping is near the shared libraries)
 * goes through a 16-byte stub `jmp *0(%rip); .quad target` placed in the
 * code region. Every offset, index and size read from the object is checked
 * against the object's length before use: a cached file is untrusted input
 * even after its checksum matched. */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include "objload.h"

#include <string.h>

const char *fg_objload_status_text(fg_objload_status st)
{
    switch (st) {
    case FG_OBJLOAD_OK:
        return "ok";
    case FG_OBJLOAD_EHOST:
        return "the object loader works on x86-64 Linux only";
    case FG_OBJLOAD_EFORMAT:
        return "not a well-formed x86-64 ELF relocatable object";
    case FG_OBJLOAD_EUNSUPPORTED:
        return "the object holds something the loader does not handle";
    case FG_OBJLOAD_ESYMBOL:
        return "unknown symbol";
    case FG_OBJLOAD_ERANGE:
        return "relocation value out of range";
    case FG_OBJLOAD_EMAP:
        return "cannot map memory for the code";
    case FG_OBJLOAD_ENOMEM:
        return "out of memory";
    }
    return "unknown status";
}

#if defined(__x86_64__) && defined(__linux__)

#include <elf.h>
#include <math.h>
#include <sys/mman.h>
#include <unistd.h>

struct fg_objload {
    fg_allocator alloc;
    unsigned char *base;
    size_t size;
};

/* bcmp is memcmp with only the zero/non-zero answer (LLVM turns memcmp() ==
 * 0 into bcmp); POSIX 2008 no longer declares it. */
static int ol_bcmp(const void *a, const void *b, size_t n)
{
    return memcmp(a, b, n);
}

/* The C library functions LLVM may call from generated code (memory
 * intrinsics, library calls of the math intrinsics): a fixed list, never a
 * lookup of arbitrary names in the process. */
#define FN(f) (void (*)(void)) f
static const fg_objload_sym libc_syms[] = {
    {"memcpy", FN(memcpy)},
    {"memmove", FN(memmove)},
    {"memset", FN(memset)},
    {"memcmp", FN(memcmp)},
    {"bcmp", FN(ol_bcmp)},
    {"fmod", FN(fmod)},
    {"pow", FN(pow)},
    {"floor", FN(floor)},
    {"ceil", FN(ceil)},
    {"trunc", FN(trunc)},
    {"round", FN(round)},
    {"rint", FN(rint)},
    {"nearbyint", FN(nearbyint)},
    {"sqrt", FN(sqrt)},
    {"exp", FN(exp)},
    {"exp2", FN(exp2)},
    {"log", FN(log)},
    {"log2", FN(log2)},
    {"log10", FN(log10)},
    {"fabs", FN(fabs)},
    {"fmin", FN(fmin)},
    {"fmax", FN(fmax)},
    {"copysign", FN(copysign)},
};
#undef FN

enum { REGION_TEXT, REGION_RODATA, REGION_DATA, NREGIONS };
enum { SYM_OK, SYM_UNDEFINED, SYM_UNSUPPORTED, SYM_NOT_LOADED };
#define NOT_LOADED ((size_t)-1)
#define STUB_SIZE 16u

/* Everything one load needs; arrays are indexed by section or symbol. */
typedef struct ld {
    const unsigned char *obj;
    size_t len;
    fg_strbuf *detail;
    Elf64_Ehdr eh;
    Elf64_Shdr *sh;  /* copies of the section headers */
    size_t *sec_off; /* offset in the mapping, NOT_LOADED */
    uint32_t symtab; /* index of the SHT_SYMTAB section */
    uint32_t nsyms;
    uint64_t *sym_addr;
    unsigned char *sym_state;
    int32_t *got, *stub; /* slot per symbol, -1 when none */
    uint32_t ngot, nstub;
    size_t region_start[NREGIONS], region_end[NREGIONS];
    size_t stub_off, got_off;
    unsigned char *base;
    size_t size;
} ld;

static fg_objload_status fail(ld *l, fg_objload_status st, const char *what)
{
    if (l->detail && what)
        fg_strbuf_adds(l->detail, what);
    return st;
}

/* The NUL-terminated string at off in section sec (a string table), or NULL. */
static const char *str_at(const ld *l, uint32_t sec, uint64_t off)
{
    if (sec >= l->eh.e_shnum || l->sh[sec].sh_type != SHT_STRTAB || off >= l->sh[sec].sh_size)
        return NULL;
    const char *s = (const char *)l->obj + l->sh[sec].sh_offset + off;
    if (!memchr(s, '\0', l->sh[sec].sh_size - off))
        return NULL;
    return s;
}

static const char *sec_name(const ld *l, uint32_t i)
{
    const char *s = str_at(l, l->eh.e_shstrndx, l->sh[i].sh_name);
    return s ? s : "";
}

static Elf64_Sym sym_at(const ld *l, uint32_t i)
{
    Elf64_Sym s;
    memcpy(&s, l->obj + l->sh[l->symtab].sh_offset + (size_t)i * sizeof s, sizeof s);
    return s;
}

/* The header and the section table: sizes and offsets within the object. */
static fg_objload_status read_headers(ld *l, const fg_allocator *alloc)
{
    if (l->len < sizeof l->eh)
        return fail(l, FG_OBJLOAD_EFORMAT, "shorter than an ELF header");
    memcpy(&l->eh, l->obj, sizeof l->eh);
    const unsigned char *id = l->eh.e_ident;
    if (memcmp(id, ELFMAG, SELFMAG) != 0 || id[EI_CLASS] != ELFCLASS64 ||
        id[EI_DATA] != ELFDATA2LSB || l->eh.e_type != ET_REL || l->eh.e_machine != EM_X86_64)
        return fail(l, FG_OBJLOAD_EFORMAT, "not an x86-64 ELF64 relocatable object");
    uint32_t n = l->eh.e_shnum;
    if (l->eh.e_shentsize != sizeof(Elf64_Shdr) || n == 0 || l->eh.e_shoff > l->len ||
        n > (l->len - l->eh.e_shoff) / sizeof(Elf64_Shdr) || l->eh.e_shstrndx >= n)
        return fail(l, FG_OBJLOAD_EFORMAT, "bad section header table");
    l->sh = fg_calloc(alloc, n, sizeof *l->sh);
    l->sec_off = fg_calloc(alloc, n, sizeof *l->sec_off);
    if (!l->sh || !l->sec_off)
        return FG_OBJLOAD_ENOMEM;
    memcpy(l->sh, l->obj + l->eh.e_shoff, (size_t)n * sizeof *l->sh);
    bool have_symtab = false;
    for (uint32_t i = 0; i < n; i++) {
        const Elf64_Shdr *s = &l->sh[i];
        if (s->sh_type != SHT_NOBITS && s->sh_type != SHT_NULL &&
            (s->sh_offset > l->len || s->sh_size > l->len - s->sh_offset))
            return fail(l, FG_OBJLOAD_EFORMAT, "section outside the object");
        if (s->sh_type == SHT_SYMTAB) {
            if (have_symtab || s->sh_entsize != sizeof(Elf64_Sym) || s->sh_link >= n ||
                l->sh[s->sh_link].sh_type != SHT_STRTAB)
                return fail(l, FG_OBJLOAD_EFORMAT, "bad symbol table");
            have_symtab = true;
            l->symtab = i;
            l->nsyms = (uint32_t)(s->sh_size / sizeof(Elf64_Sym));
        }
    }
    if (!have_symtab || l->nsyms == 0)
        return fail(l, FG_OBJLOAD_ESYMBOL, "no symbol table");
    return FG_OBJLOAD_OK;
}

static size_t align_up(size_t v, size_t a)
{
    return (v + a - 1) & ~(a - 1);
}

/* Which sections are loaded, in which region, at which offset. */
static fg_objload_status layout_sections(ld *l, size_t page)
{
    size_t at = 0;
    for (int r = 0; r < NREGIONS; r++) {
        l->region_start[r] = at;
        for (uint32_t i = 0; i < l->eh.e_shnum; i++) {
            const Elf64_Shdr *s = &l->sh[i];
            const char *name = sec_name(l, i);
            l->sec_off[i] = r == 0 ? NOT_LOADED : l->sec_off[i];
            if (!(s->sh_flags & SHF_ALLOC) || s->sh_type == SHT_X86_64_UNWIND ||
                s->sh_type == SHT_NOTE || strcmp(name, ".eh_frame") == 0)
                continue;
            if (s->sh_flags & SHF_TLS)
                return fail(l, FG_OBJLOAD_EUNSUPPORTED, "thread-local section");
            if (s->sh_type != SHT_PROGBITS && s->sh_type != SHT_NOBITS) {
                if (l->detail)
                    fg_strbuf_printf(l->detail, "section %s of type %u", name,
                                     (unsigned)s->sh_type);
                return FG_OBJLOAD_EUNSUPPORTED;
            }
            int region = (s->sh_flags & SHF_EXECINSTR) ? REGION_TEXT
                         : (s->sh_flags & SHF_WRITE)   ? REGION_DATA
                                                       : REGION_RODATA;
            if (region != r)
                continue;
            uint64_t a = s->sh_addralign ? s->sh_addralign : 1;
            if ((a & (a - 1)) != 0 || a > page || s->sh_size > ((size_t)1 << 28))
                return fail(l, FG_OBJLOAD_EUNSUPPORTED, "section alignment or size");
            at = align_up(at, (size_t)a);
            l->sec_off[i] = at;
            at += (size_t)s->sh_size;
        }
        if (r == REGION_TEXT) {
            at = align_up(at, STUB_SIZE);
            l->stub_off = at;
            at += (size_t)l->nstub * STUB_SIZE;
        } else if (r == REGION_RODATA) {
            at = align_up(at, 8);
            l->got_off = at;
            at += (size_t)l->ngot * 8;
        }
        at = align_up(at, page);
        l->region_end[r] = at;
    }
    l->size = at;
    if (at > ((size_t)1 << 30))
        return fail(l, FG_OBJLOAD_EUNSUPPORTED, "over 1 GiB to map");
    return FG_OBJLOAD_OK;
}

/* A relocation section that applies to a section we load, or NULL. */
static bool applies(const ld *l, uint32_t i)
{
    const Elf64_Shdr *s = &l->sh[i];
    if (s->sh_type != SHT_RELA && s->sh_type != SHT_REL)
        return false;
    return s->sh_info < l->eh.e_shnum && (l->sh[s->sh_info].sh_flags & SHF_ALLOC) &&
           l->sh[s->sh_info].sh_type != SHT_X86_64_UNWIND &&
           strcmp(sec_name(l, s->sh_info), ".eh_frame") != 0 &&
           l->sh[s->sh_info].sh_type != SHT_NOTE;
}

/* First pass over the relocations: checks their tables and counts the GOT
 * slots and call stubs needed (one per symbol). */
static fg_objload_status count_slots(ld *l)
{
    for (uint32_t i = 0; i < l->eh.e_shnum; i++) {
        if (!applies(l, i))
            continue;
        const Elf64_Shdr *s = &l->sh[i];
        if (s->sh_type == SHT_REL)
            return fail(l, FG_OBJLOAD_EUNSUPPORTED, "REL relocations (x86-64 uses RELA)");
        if (s->sh_entsize != sizeof(Elf64_Rela) || s->sh_link != l->symtab ||
            l->sh[s->sh_info].sh_type == SHT_NOBITS)
            return fail(l, FG_OBJLOAD_EFORMAT, "bad relocation section");
        size_t n = (size_t)(s->sh_size / sizeof(Elf64_Rela));
        for (size_t k = 0; k < n; k++) {
            Elf64_Rela r;
            memcpy(&r, l->obj + s->sh_offset + k * sizeof r, sizeof r);
            uint32_t sym = (uint32_t)ELF64_R_SYM(r.r_info), type = (uint32_t)ELF64_R_TYPE(r.r_info);
            if (sym >= l->nsyms)
                return fail(l, FG_OBJLOAD_EFORMAT, "relocation symbol out of range");
            bool got = type == R_X86_64_GOTPCREL || type == R_X86_64_GOTPCRELX ||
                       type == R_X86_64_REX_GOTPCRELX;
            if (got && l->got[sym] < 0)
                l->got[sym] = (int32_t)l->ngot++;
            if (type == R_X86_64_PLT32 && sym_at(l, sym).st_shndx == SHN_UNDEF && l->stub[sym] < 0)
                l->stub[sym] = (int32_t)l->nstub++;
        }
    }
    return FG_OBJLOAD_OK;
}

static void (*lookup(const fg_objload_sym *t, uint32_t n, const char *name))(void)
{
    for (uint32_t i = 0; i < n; i++)
        if (strcmp(t[i].name, name) == 0)
            return t[i].addr;
    return NULL;
}

/* Every symbol's address, or why it has none (an error only if used). */
static void resolve_symbols(ld *l, const fg_objload_sym *syms, uint32_t nsyms)
{
    for (uint32_t i = 1; i < l->nsyms; i++) {
        Elf64_Sym s = sym_at(l, i);
        unsigned type = ELF64_ST_TYPE(s.st_info);
        l->sym_state[i] = SYM_OK;
        if (type == STT_TLS || type == STT_GNU_IFUNC || s.st_shndx == SHN_COMMON ||
            (s.st_shndx >= SHN_LORESERVE && s.st_shndx != SHN_ABS)) {
            l->sym_state[i] = SYM_UNSUPPORTED;
        } else if (s.st_shndx == SHN_ABS) {
            l->sym_addr[i] = s.st_value;
        } else if (s.st_shndx == SHN_UNDEF) {
            const char *name = str_at(l, l->sh[l->symtab].sh_link, s.st_name);
            void (*f)(void) = name ? lookup(syms, nsyms, name) : NULL;
            if (!f && name)
                f = lookup(libc_syms, sizeof libc_syms / sizeof libc_syms[0], name);
            if (f)
                l->sym_addr[i] = (uint64_t)(uintptr_t)f;
            else if (ELF64_ST_BIND(s.st_info) == STB_WEAK)
                l->sym_addr[i] = 0;
            else
                l->sym_state[i] = SYM_UNDEFINED;
        } else if (s.st_shndx >= l->eh.e_shnum || l->sec_off[s.st_shndx] == NOT_LOADED) {
            l->sym_state[i] = SYM_NOT_LOADED;
        } else {
            l->sym_addr[i] = (uint64_t)(uintptr_t)(l->base + l->sec_off[s.st_shndx]) + s.st_value;
        }
    }
}

static fg_objload_status sym_error(ld *l, uint32_t i)
{
    Elf64_Sym s = sym_at(l, i);
    const char *name = str_at(l, l->sh[l->symtab].sh_link, s.st_name);
    if (l->detail)
        fg_strbuf_printf(l->detail, "symbol %s", name && *name ? name : "(unnamed)");
    return l->sym_state[i] == SYM_UNDEFINED ? FG_OBJLOAD_ESYMBOL : FG_OBJLOAD_EUNSUPPORTED;
}

static bool fits_s32(int64_t v)
{
    return v >= INT32_MIN && v <= INT32_MAX;
}

/* Applies one relocation section (checked by count_slots). */
static fg_objload_status relocate(ld *l, uint32_t i)
{
    const Elf64_Shdr *s = &l->sh[i];
    const Elf64_Shdr *t = &l->sh[s->sh_info];
    unsigned char *sec = l->base + l->sec_off[s->sh_info];
    size_t n = (size_t)(s->sh_size / sizeof(Elf64_Rela));
    for (size_t k = 0; k < n; k++) {
        Elf64_Rela r;
        memcpy(&r, l->obj + s->sh_offset + k * sizeof r, sizeof r);
        uint32_t sym = (uint32_t)ELF64_R_SYM(r.r_info), type = (uint32_t)ELF64_R_TYPE(r.r_info);
        if (type == R_X86_64_NONE)
            continue;
        size_t width = type == R_X86_64_64 || type == R_X86_64_PC64 ? 8 : 4;
        if (r.r_offset > t->sh_size || t->sh_size - r.r_offset < width)
            return fail(l, FG_OBJLOAD_EFORMAT, "relocation outside its section");
        if (sym != 0 && l->sym_state[sym] != SYM_OK)
            return sym_error(l, sym);
        uint64_t S = sym ? l->sym_addr[sym] : 0, A = (uint64_t)r.r_addend;
        uint64_t P = (uint64_t)(uintptr_t)(sec + r.r_offset);
        int64_t v;
        switch (type) {
        case R_X86_64_64:
        case R_X86_64_PC64: {
            uint64_t u = type == R_X86_64_64 ? S + A : S + A - P;
            memcpy(sec + r.r_offset, &u, 8);
            continue;
        }
        case R_X86_64_PC32:
        case R_X86_64_PLT32:
            v = (int64_t)(S + A - P);
            if (!fits_s32(v) && type == R_X86_64_PLT32 && l->stub[sym] >= 0) {
                uint64_t stub = (uint64_t)(uintptr_t)(l->base + l->stub_off) +
                                (uint64_t)l->stub[sym] * STUB_SIZE;
                v = (int64_t)(stub + A - P);
            }
            break;
        case R_X86_64_GOTPCREL:
        case R_X86_64_GOTPCRELX:
        case R_X86_64_REX_GOTPCRELX: {
            uint64_t G = (uint64_t)(uintptr_t)(l->base + l->got_off) + (uint64_t)l->got[sym] * 8;
            v = (int64_t)(G + A - P);
            break;
        }
        case R_X86_64_32:
            v = (int64_t)(S + A);
            if ((uint64_t)v > UINT32_MAX)
                return fail(l, FG_OBJLOAD_ERANGE, "R_X86_64_32");
            break;
        case R_X86_64_32S:
            v = (int64_t)(S + A);
            break;
        default:
            if (l->detail)
                fg_strbuf_printf(l->detail, "relocation type %u", type);
            return FG_OBJLOAD_EUNSUPPORTED;
        }
        if (type != R_X86_64_32 && !fits_s32(v))
            return fail(l, FG_OBJLOAD_ERANGE, "32-bit relocation");
        uint32_t u32 = (uint32_t)v;
        memcpy(sec + r.r_offset, &u32, 4);
    }
    return FG_OBJLOAD_OK;
}

/* The GOT holds each used symbol's address; a stub jumps to it. */
static fg_objload_status fill_slots(ld *l)
{
    for (uint32_t i = 0; i < l->nsyms; i++) {
        if (l->got[i] < 0 && l->stub[i] < 0)
            continue;
        if (l->sym_state[i] != SYM_OK)
            return sym_error(l, i);
        uint64_t a = l->sym_addr[i];
        if (l->got[i] >= 0)
            memcpy(l->base + l->got_off + (size_t)l->got[i] * 8, &a, 8);
        if (l->stub[i] >= 0) {
            unsigned char *p = l->base + l->stub_off + (size_t)l->stub[i] * STUB_SIZE;
            static const unsigned char jmp[6] = {0xff, 0x25, 0, 0, 0, 0}; /* jmp *0(%rip) */
            memcpy(p, jmp, 6);
            memcpy(p + 6, &a, 8);
            p[14] = p[15] = 0xcc; /* int3 */
        }
    }
    return FG_OBJLOAD_OK;
}

/* The defined global function named name. */
static fg_objload_status find_entry(ld *l, const char *name, void (**entry)(void))
{
    for (uint32_t i = 1; i < l->nsyms; i++) {
        Elf64_Sym s = sym_at(l, i);
        const char *n = str_at(l, l->sh[l->symtab].sh_link, s.st_name);
        if (!n || strcmp(n, name) != 0 || ELF64_ST_BIND(s.st_info) == STB_LOCAL ||
            ELF64_ST_TYPE(s.st_info) != STT_FUNC || l->sym_state[i] != SYM_OK ||
            s.st_shndx == SHN_ABS || s.st_shndx == SHN_UNDEF)
            continue;
        if (!(l->sh[s.st_shndx].sh_flags & SHF_EXECINSTR) ||
            s.st_value >= l->sh[s.st_shndx].sh_size)
            return fail(l, FG_OBJLOAD_EFORMAT, "entry symbol outside its code section");
        *entry = (void (*)(void))(uintptr_t)l->sym_addr[i];
        return FG_OBJLOAD_OK;
    }
    if (l->detail)
        fg_strbuf_printf(l->detail, "no function %s", name);
    return FG_OBJLOAD_ESYMBOL;
}

static fg_objload_status protect(ld *l)
{
    static const int prot[NREGIONS] = {PROT_READ | PROT_EXEC, PROT_READ, PROT_READ | PROT_WRITE};
    for (int r = 0; r < NREGIONS; r++) {
        size_t n = l->region_end[r] - l->region_start[r];
        if (n && mprotect(l->base + l->region_start[r], n, prot[r]) != 0)
            return FG_OBJLOAD_EMAP;
    }
    return FG_OBJLOAD_OK;
}

static fg_objload_status load(ld *l, const fg_allocator *alloc, const fg_objload_sym *syms,
                              uint32_t nsyms, const char *entry_name, void (**entry)(void))
{
    long page = sysconf(_SC_PAGESIZE);
    if (page <= 0)
        return FG_OBJLOAD_EMAP;
    fg_objload_status st = read_headers(l, alloc);
    if (st != FG_OBJLOAD_OK)
        return st;
    l->sym_addr = fg_calloc(alloc, l->nsyms, sizeof *l->sym_addr);
    l->sym_state = fg_calloc(alloc, l->nsyms, 1);
    l->got = fg_malloc(alloc, (size_t)l->nsyms * sizeof *l->got);
    l->stub = fg_malloc(alloc, (size_t)l->nsyms * sizeof *l->stub);
    if (!l->sym_addr || !l->sym_state || !l->got || !l->stub)
        return FG_OBJLOAD_ENOMEM;
    memset(l->got, 0xff, (size_t)l->nsyms * sizeof *l->got); /* -1 */
    memset(l->stub, 0xff, (size_t)l->nsyms * sizeof *l->stub);
    if ((st = count_slots(l)) != FG_OBJLOAD_OK ||
        (st = layout_sections(l, (size_t)page)) != FG_OBJLOAD_OK)
        return st;
    if (l->size == 0)
        return fail(l, FG_OBJLOAD_ESYMBOL, "nothing to load");
    void *m = mmap(NULL, l->size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return FG_OBJLOAD_EMAP;
    l->base = m;
    for (uint32_t i = 0; i < l->eh.e_shnum; i++)
        if (l->sec_off[i] != NOT_LOADED && l->sh[i].sh_type == SHT_PROGBITS)
            memcpy(l->base + l->sec_off[i], l->obj + l->sh[i].sh_offset, (size_t)l->sh[i].sh_size);
    resolve_symbols(l, syms, nsyms);
    if ((st = fill_slots(l)) != FG_OBJLOAD_OK)
        return st;
    for (uint32_t i = 0; i < l->eh.e_shnum; i++)
        if (applies(l, i) && (st = relocate(l, i)) != FG_OBJLOAD_OK)
            return st;
    if ((st = find_entry(l, entry_name, entry)) != FG_OBJLOAD_OK)
        return st;
    return protect(l);
}

fg_objload_status fg_objload_load(const fg_allocator *alloc, const void *obj, size_t len,
                                  const fg_objload_sym *syms, uint32_t nsyms,
                                  const char *entry_name, void (**entry)(void), fg_objload **out,
                                  fg_strbuf *detail)
{
    *out = NULL;
    *entry = NULL;
    ld l;
    memset(&l, 0, sizeof l);
    l.obj = obj;
    l.len = len;
    l.detail = detail;
    fg_objload *img = fg_malloc(alloc, sizeof *img);
    fg_objload_status st =
        img ? load(&l, alloc, syms, nsyms, entry_name, entry) : FG_OBJLOAD_ENOMEM;
    fg_free(alloc, l.sh);
    fg_free(alloc, l.sec_off);
    fg_free(alloc, l.sym_addr);
    fg_free(alloc, l.sym_state);
    fg_free(alloc, l.got);
    fg_free(alloc, l.stub);
    if (st != FG_OBJLOAD_OK) {
        if (l.base)
            munmap(l.base, l.size);
        fg_free(alloc, img);
        *entry = NULL;
        return st;
    }
    img->alloc = alloc ? *alloc : (fg_allocator){NULL, NULL};
    img->base = l.base;
    img->size = l.size;
    *out = img;
    return FG_OBJLOAD_OK;
}

void fg_objload_free(fg_objload *img)
{
    if (!img)
        return;
    munmap(img->base, img->size);
    fg_allocator alloc = img->alloc;
    fg_free(&alloc, img);
}

size_t fg_objload_size(const fg_objload *img)
{
    return img ? img->size : 0;
}

#else /* not x86-64 Linux: every object goes to LLVM */

struct fg_objload {
    size_t size;
};

fg_objload_status fg_objload_load(const fg_allocator *alloc, const void *obj, size_t len,
                                  const fg_objload_sym *syms, uint32_t nsyms,
                                  const char *entry_name, void (**entry)(void), fg_objload **out,
                                  fg_strbuf *detail)
{
    (void)alloc, (void)obj, (void)len, (void)syms, (void)nsyms, (void)entry_name, (void)detail;
    *out = NULL;
    *entry = NULL;
    return FG_OBJLOAD_EHOST;
}

void fg_objload_free(fg_objload *img)
{
    (void)img;
}

size_t fg_objload_size(const fg_objload *img)
{
    (void)img;
    return 0;
}

#endif
