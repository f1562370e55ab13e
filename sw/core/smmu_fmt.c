/* Text: a freestanding formatter (no snprintf), error strings, log helpers. */
#include "smmu_internal.h"

void smmu_bzero(void *p, size_t n)
{
    volatile unsigned char *d = p;

    while (n--)
        *d++ = 0;
}

void smmu_bcopy(void *dst, const void *src, size_t n)
{
    volatile unsigned char *d = dst;
    const unsigned char *s = src;

    while (n--)
        *d++ = *s++;
}

void smmu_fmt_init(smmu_fmt_t *f, char *buf, size_t len)
{
    f->buf = buf;
    f->len = len;
    f->pos = 0;
    if (len)
        buf[0] = '\0';
}

void smmu_fmt_char(smmu_fmt_t *f, char c)
{
    /* Keep room for the NUL; drop what does not fit. */
    if (f->len == 0 || f->pos + 1 >= f->len)
        return;
    f->buf[f->pos++] = c;
    f->buf[f->pos] = '\0';
}

void smmu_fmt_str(smmu_fmt_t *f, const char *s)
{
    while (*s)
        smmu_fmt_char(f, *s++);
}

void smmu_fmt_hex(smmu_fmt_t *f, uint64_t v)
{
    static const char digits[] = "0123456789abcdef";
    int shift = 60;

    smmu_fmt_str(f, "0x");
    while (shift > 0 && (shr64(v, (unsigned)shift) & 0xfu) == 0)
        shift -= 4;
    for (; shift >= 0; shift -= 4)
        smmu_fmt_char(f, digits[shr64(v, (unsigned)shift) & 0xfu]);
}

void smmu_fmt_dec(smmu_fmt_t *f, uint32_t v)
{
    /* 32-bit only: rv32im divides 32-bit values in hardware, 64-bit would need libgcc. */
    char tmp[10];
    int n = 0;

    do {
        tmp[n++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v);
    while (n)
        smmu_fmt_char(f, tmp[--n]);
}

const char *smmu_strerror(int err)
{
    switch (err) {
    case SMMU_OK: return "success";
    case SMMU_ENODEV: return "no usable SMMU";
    case SMMU_ETIMEDOUT: return "timed out waiting for the SMMU";
    case SMMU_EINVAL: return "invalid argument";
    case SMMU_ENOMEM: return "out of DMA memory";
    case SMMU_EIO: return "SMMU reported an error";
    case SMMU_ENOSPC: return "no space";
    case SMMU_EBUSY: return "busy";
    case SMMU_EEXIST: return "already mapped";
    case SMMU_ENOENT: return "not mapped or not attached";
    case SMMU_ENOTSUP: return "not supported";
    default: return "unknown error";
    }
}

void smmu_log(const smmu_t *smmu, int level, const char *msg)
{
    if (smmu && smmu->hal && smmu->hal->log)
        smmu->hal->log(smmu->hal->ctx, level, msg);
}

void smmu_log_hex(const smmu_t *smmu, int level, const char *msg, uint64_t val)
{
    char line[SMMU_LINE];
    smmu_fmt_t f;

    smmu_fmt_init(&f, line, sizeof line);
    smmu_fmt_str(&f, msg);
    smmu_fmt_hex(&f, val);
    smmu_log(smmu, level, line);
}
