package storage

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"io"
)

// checkBolt validates the page structure of a bbolt file before bbolt reads it. bbolt trusts
// every offset, length and page id stored in its pages (its own check runs on a goroutine of
// its own and trusts them too), so a damaged file can make it read out of range, fault, or
// follow a cycle of pages without end. This check reads the file through r with every bound
// verified: the meta page bbolt will choose, the freelist, and every page reachable from the
// root bucket, each visited once (a page reached twice is damage, which also rules out
// cycles), with element positions, key order and nested buckets checked. It returns an error
// matching ErrCorrupt on the first problem.
//
// The layout follows bbolt v1.5.0's file format (version 2), in the machine's byte order as
// bbolt writes it.
func checkBolt(r io.ReaderAt, size int64) error {
	c := boltChecker{r: r, size: size}
	if err := c.run(); err != nil {
		return fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	return nil
}

const (
	boltMagic          = 0xED0CDAED
	boltVersion        = 2
	boltPageHeader     = 16 // id u64, flags u16, count u16, overflow u32
	boltMetaSize       = 64 // magic, version, pageSize, flags u32; root, sequence, freelist, pgid, txid, checksum u64
	boltMetaSummed     = 56 // bytes covered by the checksum
	boltElementSize    = 16 // branch: pos, ksize u32, pgid u64; leaf: flags, pos, ksize, vsize u32
	boltBucketHeader   = 16 // root pgid, sequence u64
	boltBranchFlag     = 0x01
	boltLeafFlag       = 0x02
	boltFreelistFlag   = 0x10
	boltBucketLeafFlag = 0x01
	boltNoFreelist     = ^uint64(0)
	boltMinPageSize    = 1 << 10
	boltFirstMetaRead  = 1 << 12 // bytes bbolt reads at 0 to take the page size from meta 0
	boltMaxPageSize    = 1 << 24
	maxTreeDepth       = 64 // B+tree height; far above any real file
	maxBucketDepth     = 8  // nested buckets
)

var ne = binary.NativeEndian

type boltMeta struct {
	pageSize uint32
	root     uint64
	freelist uint64
	hwm      uint64 // pgid: the first page id past the end of the data
	txid     uint64
}

type boltChecker struct {
	r        io.ReaderAt
	size     int64
	pageSize int64
	meta     boltMeta
	seen     map[uint64]bool
	free     map[uint64]bool
}

// readAt reads n bytes at off, which must lie inside the file.
func (c *boltChecker) readAt(off, n int64) ([]byte, error) {
	if off < 0 || n < 0 || off > c.size || n > c.size-off {
		return nil, fmt.Errorf("read of %d bytes at %d outside the %d-byte file", n, off, c.size)
	}
	b := make([]byte, n)
	if _, err := c.r.ReadAt(b, off); err != nil {
		return nil, fmt.Errorf("read at %d: %w", off, err)
	}
	return b, nil
}

// parseMeta decodes a meta page at off and validates it as bbolt does: magic, version and
// checksum.
func (c *boltChecker) parseMeta(off int64) (boltMeta, error) {
	b, err := c.readAt(off, boltPageHeader+boltMetaSize)
	if err != nil {
		return boltMeta{}, err
	}
	// Only what bbolt validates counts: its page flags are never read, and its page size
	// only gives the file's when bbolt takes it from this page.
	m := b[boltPageHeader:]
	if ne.Uint32(m) != boltMagic {
		return boltMeta{}, fmt.Errorf("bad magic at %d", off)
	}
	if v := ne.Uint32(m[4:]); v != boltVersion {
		return boltMeta{}, fmt.Errorf("bbolt format version %d at %d", v, off)
	}
	h := fnv.New64a()
	h.Write(m[:boltMetaSummed])
	if h.Sum64() != ne.Uint64(m[boltMetaSummed:]) {
		return boltMeta{}, fmt.Errorf("meta checksum mismatch at %d", off)
	}
	return boltMeta{
		pageSize: ne.Uint32(m[8:]),
		root:     ne.Uint64(m[16:]),
		freelist: ne.Uint64(m[32:]),
		hwm:      ne.Uint64(m[40:]),
		txid:     ne.Uint64(m[48:]),
	}, nil
}

func (c *boltChecker) run() error {
	// The page size is found as bbolt finds it, for the check to read the pages bbolt will:
	// from the first meta page when it is valid (and bbolt could read 4 KiB of it), else
	// from the first valid meta page at one of the sizes bbolt tries, whatever size that
	// page gives.
	m0, err0 := c.parseMeta(0)
	ps := int64(m0.pageSize)
	if err0 != nil || c.size < boltFirstMetaRead {
		ps = 0
		for s := int64(boltMinPageSize); s <= boltMaxPageSize && s < c.size-boltMinPageSize; s <<= 1 {
			if m1, err := c.parseMeta(s); err == nil {
				ps = int64(m1.pageSize)
				break
			}
		}
		if ps == 0 {
			return fmt.Errorf("no valid meta page: %w", err0)
		}
	}
	if ps < boltMinPageSize || ps > boltMaxPageSize || ps&(ps-1) != 0 {
		return fmt.Errorf("page size %d", ps)
	}
	if c.size < 2*ps {
		return fmt.Errorf("file of %d bytes is shorter than two pages of %d", c.size, ps)
	}
	c.pageSize = ps
	m1, err1 := c.parseMeta(ps)
	// bbolt uses the valid meta with the higher transaction id.
	switch {
	case err0 == nil && (err1 != nil || m0.txid >= m1.txid):
		c.meta = m0
	case err1 == nil:
		c.meta = m1
	default:
		return fmt.Errorf("both meta pages invalid: %w; %w", err0, err1)
	}
	m := c.meta
	if m.hwm < 3 || m.hwm > uint64(c.size/ps) {
		return fmt.Errorf("high water mark %d pages, file holds %d", m.hwm, c.size/ps)
	}
	c.seen = map[uint64]bool{0: true, 1: true}
	c.free = map[uint64]bool{}
	if m.freelist != boltNoFreelist {
		if err := c.checkFreelist(m.freelist); err != nil {
			return err
		}
	}
	return c.checkTree(m.root, 0, 0)
}

// span reads page id with its overflow pages, marking them visited.
func (c *boltChecker) span(id uint64) ([]byte, error) {
	if id < 2 || id >= c.meta.hwm {
		return nil, fmt.Errorf("page id %d outside 2..%d", id, c.meta.hwm-1)
	}
	hdr, err := c.readAt(int64(id)*c.pageSize, boltPageHeader)
	if err != nil {
		return nil, err
	}
	if got := ne.Uint64(hdr); got != id {
		return nil, fmt.Errorf("page %d says it is page %d", id, got)
	}
	overflow := uint64(ne.Uint32(hdr[12:]))
	if overflow >= c.meta.hwm-id {
		return nil, fmt.Errorf("page %d overflows %d pages past the end", id, overflow)
	}
	for p := id; p <= id+overflow; p++ {
		if c.seen[p] {
			return nil, fmt.Errorf("page %d reached twice", p)
		}
		if c.free[p] {
			return nil, fmt.Errorf("page %d is both in use and free", p)
		}
		c.seen[p] = true
	}
	return c.readAt(int64(id)*c.pageSize, int64(overflow+1)*c.pageSize)
}

func (c *boltChecker) checkFreelist(id uint64) error {
	p, err := c.span(id)
	if err != nil {
		return fmt.Errorf("freelist: %w", err)
	}
	if flags := ne.Uint16(p[8:]); flags != boltFreelistFlag {
		return fmt.Errorf("freelist page %d has flags %#x", id, flags)
	}
	start, count := uint64(boltPageHeader), uint64(ne.Uint16(p[10:]))
	if count == 0xFFFF {
		if len(p) < boltPageHeader+8 {
			return fmt.Errorf("freelist page %d too short", id)
		}
		count = ne.Uint64(p[boltPageHeader:])
		start += 8
	}
	if count > (uint64(len(p))-start)/8 {
		return fmt.Errorf("freelist page %d claims %d ids", id, count)
	}
	for i := range count {
		f := ne.Uint64(p[start+8*i:])
		if f < 2 || f >= c.meta.hwm {
			return fmt.Errorf("free page id %d outside 2..%d", f, c.meta.hwm-1)
		}
		if c.seen[f] || c.free[f] {
			return fmt.Errorf("free page %d listed twice or in use", f)
		}
		c.free[f] = true
	}
	return nil
}

// checkTree checks the B+tree of one bucket rooted at page id.
func (c *boltChecker) checkTree(id uint64, height, nesting int) error {
	if height > maxTreeDepth {
		return fmt.Errorf("tree deeper than %d", maxTreeDepth)
	}
	p, err := c.span(id)
	if err != nil {
		return err
	}
	switch flags := ne.Uint16(p[8:]); flags {
	case boltBranchFlag:
		return c.checkBranch(id, p, height, nesting)
	case boltLeafFlag:
		return c.checkLeaf(fmt.Sprintf("page %d", id), p, nesting)
	default:
		return fmt.Errorf("page %d in a tree has flags %#x", id, flags)
	}
}

// elements returns the element count of page p after checking the element array fits.
func elements(what string, p []byte) (int, error) {
	n := int(ne.Uint16(p[10:]))
	if boltPageHeader+n*boltElementSize > len(p) {
		return 0, fmt.Errorf("%s: %d elements do not fit in %d bytes", what, n, len(p))
	}
	return n, nil
}

// slice returns p[off:off+n] with the bounds checked in 64 bits.
func slice(what string, p []byte, off, n uint64) ([]byte, error) {
	if off > uint64(len(p)) || n > uint64(len(p))-off {
		return nil, fmt.Errorf("%s: %d bytes at %d outside %d", what, n, off, len(p))
	}
	return p[off : off+n], nil
}

func (c *boltChecker) checkBranch(id uint64, p []byte, height, nesting int) error {
	what := fmt.Sprintf("branch page %d", id)
	n, err := elements(what, p)
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("%s is empty", what)
	}
	var prev []byte
	for i := range n {
		e := uint64(boltPageHeader + i*boltElementSize)
		pos, ksize, child := uint64(ne.Uint32(p[e:])), uint64(ne.Uint32(p[e+4:])), ne.Uint64(p[e+8:])
		key, err := slice(what, p, e+pos, ksize)
		if err != nil {
			return err
		}
		if i > 0 && bytes.Compare(prev, key) >= 0 {
			return fmt.Errorf("%s: keys out of order", what)
		}
		prev = key
		if err := c.checkTree(child, height+1, nesting); err != nil {
			return err
		}
	}
	return nil
}

// checkLeaf checks a leaf page (or an inline bucket's page, whose element positions are
// relative to its own start) and the buckets it holds.
func (c *boltChecker) checkLeaf(what string, p []byte, nesting int) error {
	if len(p) < boltPageHeader {
		return fmt.Errorf("%s: %d bytes", what, len(p))
	}
	n, err := elements(what, p)
	if err != nil {
		return err
	}
	var prev []byte
	for i := range n {
		e := uint64(boltPageHeader + i*boltElementSize)
		flags, pos := ne.Uint32(p[e:]), uint64(ne.Uint32(p[e+4:]))
		ksize, vsize := uint64(ne.Uint32(p[e+8:])), uint64(ne.Uint32(p[e+12:]))
		if flags&^boltBucketLeafFlag != 0 {
			return fmt.Errorf("%s: element flags %#x", what, flags)
		}
		if ksize == 0 {
			return fmt.Errorf("%s: empty key", what)
		}
		key, err := slice(what, p, e+pos, ksize)
		if err != nil {
			return err
		}
		val, err := slice(what, p, e+pos+ksize, vsize)
		if err != nil {
			return err
		}
		if i > 0 && bytes.Compare(prev, key) >= 0 {
			return fmt.Errorf("%s: keys out of order", what)
		}
		prev = key
		if flags&boltBucketLeafFlag == 0 {
			continue
		}
		if nesting+1 > maxBucketDepth {
			return fmt.Errorf("%s: buckets nested deeper than %d", what, maxBucketDepth)
		}
		if len(val) < boltBucketHeader {
			return fmt.Errorf("%s: bucket %q header of %d bytes", what, key, len(val))
		}
		if root := ne.Uint64(val); root != 0 {
			if err := c.checkTree(root, 0, nesting+1); err != nil {
				return err
			}
			continue
		}
		inline := val[boltBucketHeader:]
		if len(inline) < boltPageHeader || ne.Uint16(inline[8:]) != boltLeafFlag {
			return fmt.Errorf("%s: inline bucket %q is not a leaf page", what, key)
		}
		if err := c.checkLeaf(fmt.Sprintf("inline bucket %q", key), inline, nesting+1); err != nil {
			return err
		}
	}
	return nil
}
