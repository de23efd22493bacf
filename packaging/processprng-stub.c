/* A stand-in bcryptprimitives.dll for testing hvpat.exe under wine 8, which lacks
 * ProcessPrng (Rust's standard library asks it for random bytes, for hash seeds).
 * Used only by packaging/test-windows.sh, beside the exe in its test folder; never
 * shipped: Windows 10 and later have the real one. */
#include <windows.h>

BOOLEAN NTAPI SystemFunction036(PVOID buffer, ULONG length); /* RtlGenRandom, advapi32 */

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG step = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (!SystemFunction036(data, step)) return FALSE;
        data += step;
        length -= step;
    }
    return TRUE;
}
