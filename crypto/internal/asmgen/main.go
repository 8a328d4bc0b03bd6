// Command asmgen writes igesha_amd64.s: SHA-256 with the SHA extensions, and AES-256-IGE
// decryption fused with SHA-256 so the two serial chains (AES rounds and SHA rounds) run side by
// side in the out-of-order core. Run it through go generate in the crypto directory; a test
// checks that the committed file matches its output.
//
// The SHA-256 round constants are computed here (first 32 bits of the fractional parts of the
// cube roots of the first 64 primes) rather than typed in.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"math/big"
	"os"
	"strings"
)

func main() {
	out := flag.String("out", "igesha_amd64.s", "output file")
	flag.Parse()
	if err := os.WriteFile(*out, generate(), 0o644); err != nil {
		log.Fatal(err)
	}
}

// roundConstants returns SHA-256's K table.
func roundConstants() [64]uint32 {
	var k [64]uint32
	n := 0
	for p := int64(2); n < 64; p++ {
		if !big.NewInt(p).ProbablyPrime(0) {
			continue
		}
		// Newton's method for cbrt(p) in 128-bit precision.
		x := new(big.Float).SetPrec(128).SetInt64(p)
		r := new(big.Float).SetPrec(128).SetFloat64(float64(p))
		for range 200 {
			r3 := new(big.Float).SetPrec(128).Mul(r, r)
			r3.Mul(r3, r)
			num := new(big.Float).SetPrec(128).Sub(r3, x)
			den := new(big.Float).SetPrec(128).Mul(r, r)
			den.Mul(den, big.NewFloat(3).SetPrec(128))
			r.Sub(r, num.Quo(num, den))
		}
		ip, _ := r.Int(nil)
		frac := new(big.Float).SetPrec(128).Sub(r, new(big.Float).SetPrec(128).SetInt(ip))
		frac.Mul(frac, new(big.Float).SetPrec(128).SetInt64(1<<32))
		v, _ := frac.Int(nil)
		k[n] = uint32(v.Uint64())
		n++
	}
	return k
}

type writer struct {
	bytes.Buffer
}

func (w *writer) op(format string, args ...any) {
	fmt.Fprintf(w, "\t"+format+"\n", args...)
}

func (w *writer) line(format string, args ...any) {
	fmt.Fprintf(w, format+"\n", args...)
}

// Register plan shared by both functions.
const (
	msgK   = "X0" // W+K for SHA256RNDS2 (implicit operand)
	state0 = "X1" // A B E F
	state1 = "X2" // C D G H
	tmp    = "X7"
	bswap  = "X8"  // PSHUFB mask: big-endian words
	save0  = "X9"  // state at block start
	save1  = "X10" //
	pChain = "X11" // IGE: previous plaintext block (the critical chain)
	cChain = "X12" // IGE: previous ciphertext block
	cCur   = "X13" // IGE: current ciphertext block
	iTmp   = "X14" // IGE: first/last round key combined with a block
	rKey   = "X15" // IGE: round key in flight
)

// lane names the registers of one SHA-256 computation; X0 (the implicit W+K operand of
// SHA256RNDS2) is shared, register renaming keeps lanes independent.
type lane struct {
	s0, s1, tmp string
	msg         [4]string
}

var (
	// laneA serves sha256BlocksAsm and the fused loop.
	laneA = lane{s0: state0, s1: state1, tmp: tmp, msg: [4]string{"X3", "X4", "X5", "X6"}}
	// laneB is the second computation of sha256Block2Asm.
	laneB = lane{s0: "X9", s1: "X10", tmp: "X15", msg: [4]string{"X11", "X12", "X13", "X14"}}
)

// shaGroup returns the instructions of quad-round i (rounds 4i..4i+3) reading the block at ptr.
// Groups 0..3 load and byte-swap the message; later ones extend the schedule in place:
// W[4i..] = msg2(msg1(W[4i-16..], W[4i-12..]) + W[4i-7..], W[4i-4..]).
func (l lane) shaGroup(i int, ptr string) []string {
	var s []string
	msg, state0, state1, tmp := l.msg, l.s0, l.s1, l.tmp
	m := msg[i%4]
	if i < 4 {
		s = append(s,
			fmt.Sprintf("MOVOU %d(%s), %s", 16*i, ptr, m),
			fmt.Sprintf("PSHUFB %s, %s", bswap, m))
	} else {
		b, c, d := msg[(i-3)%4], msg[(i-2)%4], msg[(i-1)%4]
		s = append(s,
			fmt.Sprintf("SHA256MSG1 %s, %s", b, m),
			fmt.Sprintf("MOVO %s, %s", d, tmp),
			fmt.Sprintf("PALIGNR $4, %s, %s", c, tmp),
			fmt.Sprintf("PADDD %s, %s", tmp, m),
			fmt.Sprintf("SHA256MSG2 %s, %s", d, m))
	}
	s = append(s,
		fmt.Sprintf("MOVOU ·sha256K<>+%d(SB), %s", 16*i, msgK),
		fmt.Sprintf("PADDD %s, %s", m, msgK),
		fmt.Sprintf("SHA256RNDS2 %s, %s, %s", msgK, state0, state1),
		fmt.Sprintf("PSHUFD $0x0e, %s, %s", msgK, msgK),
		fmt.Sprintf("SHA256RNDS2 %s, %s, %s", msgK, state1, state0))
	return s
}

// shaBlock returns one whole compression of the 64 bytes at ptr.
func shaBlock(ptr string) []string {
	s := []string{
		fmt.Sprintf("MOVO %s, %s", state0, save0),
		fmt.Sprintf("MOVO %s, %s", state1, save1),
	}
	for i := range 16 {
		s = append(s, laneA.shaGroup(i, ptr)...)
	}
	return append(s,
		fmt.Sprintf("PADDD %s, %s", save0, state0),
		fmt.Sprintf("PADDD %s, %s", save1, state1))
}

// igeBlock returns the decryption of one 16-byte block at src+off to dst+off with the
// decryption schedule at AX: p_i = D(c_i ^ p_{i-1}) ^ c_{i-1}, the XORs folded into the first
// and last round keys so only the AES rounds sit on the chain.
func igeBlock(off int) [][]string {
	var rounds [][]string
	rounds = append(rounds, []string{
		fmt.Sprintf("MOVOU %d(SI), %s", off, cCur),
		fmt.Sprintf("MOVOU 0(AX), %s", iTmp),
		fmt.Sprintf("PXOR %s, %s", cCur, iTmp),
		fmt.Sprintf("PXOR %s, %s", iTmp, pChain),
	})
	for r := 1; r <= 13; r++ {
		rounds = append(rounds, []string{
			fmt.Sprintf("MOVOU %d(AX), %s", 16*r, rKey),
			fmt.Sprintf("AESDEC %s, %s", rKey, pChain),
		})
	}
	rounds = append(rounds, []string{
		fmt.Sprintf("MOVOU 224(AX), %s", iTmp),
		fmt.Sprintf("PXOR %s, %s", cChain, iTmp),
		fmt.Sprintf("AESDECLAST %s, %s", iTmp, pChain),
		fmt.Sprintf("MOVOU %s, %d(DI)", pChain, off),
		fmt.Sprintf("MOVO %s, %s", cCur, cChain),
	})
	return rounds
}

// shuffleIn loads the state a..h at ptr into the A B E F / C D G H layout SHA256RNDS2 uses.
func (l lane) shuffleIn(ptr string) string {
	return strings.NewReplacer("BX", ptr, "X1", l.s0, "X2", l.s1, "X7", l.tmp).Replace(`	MOVOU 0(BX), X1 // a b c d
	MOVOU 16(BX), X2 // e f g h
	PSHUFD $0xb1, X1, X1 // c d a b (high to low)
	PSHUFD $0x1b, X2, X2 // e f g h reversed
	MOVO X1, X7
	PALIGNR $8, X2, X1 // A B E F
	PBLENDW $0xf0, X7, X2 // C D G H
`)
}

// shuffleOut stores the state back as a..h.
func (l lane) shuffleOut(ptr string) string {
	return strings.NewReplacer("BX", ptr, "X1", l.s0, "X2", l.s1, "X7", l.tmp).Replace(`	PSHUFD $0x1b, X1, X1
	PSHUFD $0xb1, X2, X2
	MOVO X1, X7
	PBLENDW $0xf0, X2, X1 // a b c d
	PALIGNR $8, X7, X2 // e f g h
	MOVOU X1, 0(BX)
	MOVOU X2, 16(BX)
`)
}

func generate() []byte {
	var w writer
	w.line("// Code generated by crypto/internal/asmgen. DO NOT EDIT.")
	w.line("")
	w.line("//go:build amd64 && !purego")
	w.line("")
	w.line(`#include "textflag.h"`)
	w.line("")
	k := roundConstants()
	for i, v := range k {
		w.line("DATA ·sha256K<>+%d(SB)/4, $0x%08x", 4*i, v)
	}
	w.line("GLOBL ·sha256K<>(SB), RODATA|NOPTR, $256")
	w.line("")
	// PSHUFB mask reversing the bytes of each 32-bit word.
	w.line("DATA ·sha256BSwap<>+0(SB)/8, $0x0405060700010203")
	w.line("DATA ·sha256BSwap<>+8(SB)/8, $0x0c0d0e0f08090a0b")
	w.line("GLOBL ·sha256BSwap<>(SB), RODATA|NOPTR, $16")
	w.line("")

	w.line("// func sha256BlocksAsm(state *[8]uint32, p *byte, n int)")
	w.line("// Compresses n 64-byte blocks at p into state (a..h in order).")
	w.line("TEXT ·sha256BlocksAsm(SB), NOSPLIT, $0-24")
	w.op("MOVQ state+0(FP), BX")
	w.op("MOVQ p+8(FP), SI")
	w.op("MOVQ n+16(FP), CX")
	w.op("TESTQ CX, CX")
	w.op("JZ shadone")
	w.op("MOVOU ·sha256BSwap<>(SB), %s", bswap)
	w.WriteString(laneA.shuffleIn("BX"))
	w.line("shaloop:")
	for _, ins := range shaBlock("SI") {
		w.op("%s", ins)
	}
	w.op("ADDQ $64, SI")
	w.op("DECQ CX")
	w.op("JNZ shaloop")
	w.WriteString(laneA.shuffleOut("BX"))
	w.line("shadone:")
	w.op("RET")
	w.line("")

	w.line("// func sha256Block2Asm(s1, s2 *[8]uint32, p1, p2 *byte)")
	w.line("// Compresses one block into each of two independent states, interleaved.")
	w.line("TEXT ·sha256Block2Asm(SB), NOSPLIT, $64-32")
	w.op("MOVQ s1+0(FP), BX")
	w.op("MOVQ s2+8(FP), DX")
	w.op("MOVQ p1+16(FP), SI")
	w.op("MOVQ p2+24(FP), DI")
	w.op("MOVOU ·sha256BSwap<>(SB), %s", bswap)
	w.WriteString(laneA.shuffleIn("BX"))
	w.WriteString(laneB.shuffleIn("DX"))
	// Out of registers for the starting states: park them on the stack.
	for i, r := range []string{laneA.s0, laneA.s1, laneB.s0, laneB.s1} {
		w.op("MOVOU %s, %d(SP)", r, 16*i)
	}
	for i := range 16 {
		for _, ins := range laneA.shaGroup(i, "SI") {
			w.op("%s", ins)
		}
		for _, ins := range laneB.shaGroup(i, "DI") {
			w.op("%s", ins)
		}
	}
	for i, r := range []string{laneA.s0, laneA.s1, laneB.s0, laneB.s1} {
		w.op("MOVOU %d(SP), X0", 16*i)
		w.op("PADDD X0, %s", r)
	}
	w.WriteString(laneA.shuffleOut("BX"))
	w.WriteString(laneB.shuffleOut("DX"))
	w.op("RET")
	w.line("")

	w.line("// func igeDecryptSHAAsm(dec *[240]byte, dst, src *byte, iv *[32]byte, state *[8]uint32, hp *byte, n int)")
	w.line("// Runs n iterations; each decrypts 64 bytes from src to dst (IGE, chain state in iv) and")
	w.line("// compresses the 64 bytes at hp into state. hp must not read bytes this call writes.")
	w.line("TEXT ·igeDecryptSHAAsm(SB), NOSPLIT, $0-56")
	w.op("MOVQ dec+0(FP), AX")
	w.op("MOVQ dst+8(FP), DI")
	w.op("MOVQ src+16(FP), SI")
	w.op("MOVQ iv+24(FP), DX")
	w.op("MOVQ state+32(FP), BX")
	w.op("MOVQ hp+40(FP), R8")
	w.op("MOVQ n+48(FP), CX")
	w.op("TESTQ CX, CX")
	w.op("JZ fuseddone")
	w.op("MOVOU ·sha256BSwap<>(SB), %s", bswap)
	w.WriteString(laneA.shuffleIn("BX"))
	w.op("MOVOU 0(DX), %s", cChain)
	w.op("MOVOU 16(DX), %s", pChain)
	w.line("fusedloop:")
	// Interleave: 4 IGE blocks of 15 steps each (60 steps) with the SHA block's 16 groups
	// plus its prologue and epilogue, spread evenly.
	var aes [][]string
	for b := range 4 {
		aes = append(aes, igeBlock(16*b)...)
	}
	sha := [][]string{{
		fmt.Sprintf("MOVO %s, %s", state0, save0),
		fmt.Sprintf("MOVO %s, %s", state1, save1),
	}}
	for i := range 16 {
		sha = append(sha, laneA.shaGroup(i, "R8"))
	}
	sha = append(sha, []string{
		fmt.Sprintf("PADDD %s, %s", save0, state0),
		fmt.Sprintf("PADDD %s, %s", save1, state1),
	})
	next := 0
	for i, step := range aes {
		for _, ins := range step {
			w.op("%s", ins)
		}
		for next < len(sha) && next*len(aes) <= i*len(sha) {
			for _, ins := range sha[next] {
				w.op("%s", ins)
			}
			next++
		}
	}
	for ; next < len(sha); next++ {
		for _, ins := range sha[next] {
			w.op("%s", ins)
		}
	}
	w.op("ADDQ $64, SI")
	w.op("ADDQ $64, DI")
	w.op("ADDQ $64, R8")
	w.op("DECQ CX")
	w.op("JNZ fusedloop")
	w.op("MOVOU %s, 0(DX)", cChain)
	w.op("MOVOU %s, 16(DX)", pChain)
	w.WriteString(laneA.shuffleOut("BX"))
	w.line("fuseddone:")
	w.op("RET")
	return []byte(strings.ReplaceAll(w.String(), "\t\t", "\t"))
}
