package mtp

import "math"

// probeBytes is how much of a body looksCompressible samples. File parts and media answers are
// already compressed (JPEG, MP4, zip) and make up nearly all large traffic; sampling lets the
// engine skip a full gzip pass over them, which would cost more CPU than sending the body.
const probeBytes = 4 << 10

// maxEntropy is the order-0 entropy (bits per byte) above which a sample is taken as
// incompressible. Text and TL structures sit far below it (repeated ids, zero padding, ASCII);
// encrypted or compressed data sits within a few hundredths of 8.
const maxEntropy = 7.5

// looksCompressible reports whether gzip is worth trying on body: at least two of three
// samples (start, middle, end) must have a byte histogram below maxEntropy, so a small
// compressible header in front of a large file part does not decide alone. It allocates nothing.
func looksCompressible(body []byte) bool {
	if len(body) == 0 {
		return false
	}
	const win = probeBytes / 3
	low := 0
	for _, at := range [...]int{0, len(body)/2 - win/2, len(body) - win} {
		at = max(at, 0)
		if entropy(body[at:min(at+win, len(body))]) < maxEntropy {
			low++
		}
	}
	return low >= 2
}

// entropy returns the order-0 entropy of b in bits per byte.
func entropy(b []byte) float64 {
	var hist [256]uint32
	for _, c := range b {
		hist[c]++
	}
	total := float64(len(b))
	var h float64
	for _, c := range hist {
		if c != 0 {
			p := float64(c) / total
			h -= p * math.Log2(p)
		}
	}
	return h
}
