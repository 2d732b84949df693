/* ProcessPrng, which Rust's standard library imports from
 * bcryptprimitives.dll (Windows 10 and later) and Debian's wine 8 lacks.
 * It fills the buffer from RtlGenRandom (advapi32's SystemFunction036),
 * the generator wine does have. Built with mingw-w64 by wine-runner.sh and
 * put in the test prefix's system32, never shipped with the app. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
