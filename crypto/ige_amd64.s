//go:build amd64 && !purego

#include "textflag.h"

// func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
TEXT ·cpuid(SB), NOSPLIT, $0-24
	MOVL eaxArg+0(FP), AX
	MOVL ecxArg+4(FP), CX
	CPUID
	MOVL AX, eax+8(FP)
	MOVL BX, ebx+12(FP)
	MOVL CX, ecx+16(FP)
	MOVL DX, edx+20(FP)
	RET

// ASSIST_EVEN finishes an even round key: X1 = prefix-xor(X1) ^ broadcast(word 3 of X2).
#define ASSIST_EVEN \
	PSHUFD $0xff, X2, X2 \
	MOVO   X1, X4        \
	PSLLO  $4, X4        \
	PXOR   X4, X1        \
	PSLLO  $4, X4        \
	PXOR   X4, X1        \
	PSLLO  $4, X4        \
	PXOR   X4, X1        \
	PXOR   X2, X1

// ASSIST_ODD finishes an odd round key: X3 = prefix-xor(X3) ^ broadcast(word 2 of X2).
#define ASSIST_ODD \
	PSHUFD $0xaa, X2, X2 \
	MOVO   X3, X4        \
	PSLLO  $4, X4        \
	PXOR   X4, X3        \
	PSLLO  $4, X4        \
	PXOR   X4, X3        \
	PSLLO  $4, X4        \
	PXOR   X4, X3        \
	PXOR   X2, X3

#define ROUND_PAIR(rcon, off) \
	AESKEYGENASSIST $rcon, X3, X2 \
	ASSIST_EVEN                   \
	MOVOU X1, off(DI)             \
	AESKEYGENASSIST $0x00, X1, X2 \
	ASSIST_ODD                    \
	MOVOU X3, off+16(DI)

// func expandKey256(key *[32]byte, enc, dec *[240]byte)
TEXT ·expandKey256(SB), NOSPLIT, $0-24
	MOVQ key+0(FP), AX
	MOVQ enc+8(FP), DI
	MOVQ dec+16(FP), SI
	MOVOU 0(AX), X1
	MOVOU 16(AX), X3
	MOVOU X1, 0(DI)
	MOVOU X3, 16(DI)
	ROUND_PAIR(0x01, 32)
	ROUND_PAIR(0x02, 64)
	ROUND_PAIR(0x04, 96)
	ROUND_PAIR(0x08, 128)
	ROUND_PAIR(0x10, 160)
	ROUND_PAIR(0x20, 192)
	AESKEYGENASSIST $0x40, X3, X2
	ASSIST_EVEN
	MOVOU X1, 224(DI)

	// Decryption schedule: dec[0] = enc[14], dec[i] = InvMixColumns(enc[14-i]), dec[14] = enc[0].
	MOVOU 224(DI), X0
	MOVOU X0, 0(SI)
	MOVQ $1, CX
	LEAQ 208(DI), DX
	LEAQ 16(SI), BX
invloop:
	MOVOU  (DX), X0
	AESIMC X0, X0
	MOVOU  X0, (BX)
	SUBQ   $16, DX
	ADDQ   $16, BX
	INCQ   CX
	CMPQ   CX, $14
	JB     invloop
	MOVOU 0(DI), X0
	MOVOU X0, 224(SI)
	RET

// Register plan for both loops:
//   X0 chain value (previous ciphertext for encrypt, previous plaintext for decrypt)
//   X1 the other previous block
//   X2 current input block, X3/X4 temporaries
//   X5 key 0, X6 key 14, X7..X15 keys 1..9, keys 10..13 loaded into X3 once it is free.

#define LOAD_KEYS(base) \
	MOVOU 0(base), X5    \
	MOVOU 224(base), X6  \
	MOVOU 16(base), X7   \
	MOVOU 32(base), X8   \
	MOVOU 48(base), X9   \
	MOVOU 64(base), X10  \
	MOVOU 80(base), X11  \
	MOVOU 96(base), X12  \
	MOVOU 112(base), X13 \
	MOVOU 128(base), X14 \
	MOVOU 144(base), X15

// func igeEncryptAsm(enc *[240]byte, dst, src *byte, n int, iv *[32]byte)
TEXT ·igeEncryptAsm(SB), NOSPLIT, $0-40
	MOVQ enc+0(FP), AX
	MOVQ dst+8(FP), DI
	MOVQ src+16(FP), SI
	MOVQ n+24(FP), CX
	MOVQ iv+32(FP), DX
	LOAD_KEYS(AX)
	MOVOU 0(DX), X0  // c_{i-1}
	MOVOU 16(DX), X1 // p_{i-1}

encloop:
	MOVOU (SI), X2      // p_i
	MOVO  X2, X3
	PXOR  X5, X3        // p_i ^ k0, off the chain
	MOVO  X6, X4
	PXOR  X1, X4        // k14 ^ p_{i-1}, off the chain
	PXOR  X3, X0        // state = c_{i-1} ^ p_i ^ k0
	AESENC X7, X0
	AESENC X8, X0
	AESENC X9, X0
	AESENC X10, X0
	AESENC X11, X0
	AESENC X12, X0
	AESENC X13, X0
	AESENC X14, X0
	AESENC X15, X0
	MOVOU 160(AX), X3 // legacy-SSE memory operands must be aligned; renaming hides the reuse
	AESENC X3, X0
	MOVOU 176(AX), X3
	AESENC X3, X0
	MOVOU 192(AX), X3
	AESENC X3, X0
	MOVOU 208(AX), X3
	AESENC X3, X0
	AESENCLAST X4, X0   // c_i = E(p_i ^ c_{i-1}) ^ p_{i-1}
	MOVOU X0, (DI)
	MOVO  X2, X1
	ADDQ  $16, SI
	ADDQ  $16, DI
	SUBQ  $16, CX
	JNZ   encloop
	MOVOU X0, 0(DX) // chain state for a continuation
	MOVOU X1, 16(DX)
	RET

// func igeDecryptAsm(dec *[240]byte, dst, src *byte, n int, iv *[32]byte)
TEXT ·igeDecryptAsm(SB), NOSPLIT, $0-40
	MOVQ dec+0(FP), AX
	MOVQ dst+8(FP), DI
	MOVQ src+16(FP), SI
	MOVQ n+24(FP), CX
	MOVQ iv+32(FP), DX
	LOAD_KEYS(AX)
	MOVOU 0(DX), X1  // c_{i-1}
	MOVOU 16(DX), X0 // p_{i-1}

decloop:
	MOVOU (SI), X2      // c_i
	MOVO  X2, X3
	PXOR  X5, X3        // c_i ^ k0, off the chain
	MOVO  X6, X4
	PXOR  X1, X4        // k14 ^ c_{i-1}, off the chain
	PXOR  X3, X0        // state = p_{i-1} ^ c_i ^ k0
	AESDEC X7, X0
	AESDEC X8, X0
	AESDEC X9, X0
	AESDEC X10, X0
	AESDEC X11, X0
	AESDEC X12, X0
	AESDEC X13, X0
	AESDEC X14, X0
	AESDEC X15, X0
	MOVOU 160(AX), X3 // legacy-SSE memory operands must be aligned; renaming hides the reuse
	AESDEC X3, X0
	MOVOU 176(AX), X3
	AESDEC X3, X0
	MOVOU 192(AX), X3
	AESDEC X3, X0
	MOVOU 208(AX), X3
	AESDEC X3, X0
	AESDECLAST X4, X0   // p_i = D(c_i ^ p_{i-1}) ^ c_{i-1}
	MOVOU X0, (DI)
	MOVO  X2, X1
	ADDQ  $16, SI
	ADDQ  $16, DI
	SUBQ  $16, CX
	JNZ   decloop
	MOVOU X1, 0(DX) // chain state for a continuation
	MOVOU X0, 16(DX)
	RET
