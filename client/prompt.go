package mtgo

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

	qrcode "github.com/skip2/go-qrcode"
)

// TerminalPrompt asks for login input on a terminal-like pair of streams. The library never
// touches stdin or stderr by itself; a program that wants interactive login passes them:
//
//	p := mtgo.NewTerminalPrompt(os.Stdin, os.Stderr)
//	cfg.Code, cfg.Password, cfg.SignUp = p.Code, p.Password, p.SignUp
//
// The password is read like any other line (it is echoed); programs that need hidden input
// read it themselves in a PasswordFunc.
type TerminalPrompt struct {
	mu      sync.Mutex
	in      *bufio.Reader
	out     io.Writer
	pending chan line // a read still running after its caller gave up; the next ask takes it
}

type line struct {
	s   string
	err error
}

// NewTerminalPrompt returns a prompt reading answers from in and writing questions to out.
func NewTerminalPrompt(in io.Reader, out io.Writer) *TerminalPrompt {
	return &TerminalPrompt{in: bufio.NewReader(in), out: out}
}

// ask writes question and reads one line, honouring ctx while waiting.
func (p *TerminalPrompt) ask(ctx context.Context, question string) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, err := io.WriteString(p.out, question); err != nil {
		return "", err
	}
	if p.pending == nil {
		ch := make(chan line, 1)
		p.pending = ch
		go func() {
			s, err := p.in.ReadString('\n')
			if err == io.EOF && s != "" {
				err = nil
			}
			ch <- line{strings.TrimSpace(s), err}
		}()
	}
	select {
	case l := <-p.pending:
		p.pending = nil
		if l.err != nil {
			return "", fmt.Errorf("mtgo: read answer: %w", l.err)
		}
		return l.s, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// Code implements CodeFunc.
func (p *TerminalPrompt) Code(ctx context.Context, phone string, info CodeInfo) (string, error) {
	q := "Enter the code sent to " + phone
	if info.Length > 0 {
		q += fmt.Sprintf(" (%d digits)", info.Length)
	}
	return p.ask(ctx, q+": ")
}

// Password implements PasswordFunc.
func (p *TerminalPrompt) Password(ctx context.Context, hint string) (string, error) {
	q := "Enter your two-step verification password"
	if hint != "" {
		q += " (hint: " + hint + ")"
	}
	return p.ask(ctx, q+": ")
}

// SignUp implements SignUpFunc: it shows the terms and asks for the names.
func (p *TerminalPrompt) SignUp(ctx context.Context, terms string) (string, string, error) {
	if terms != "" {
		p.mu.Lock()
		_, err := fmt.Fprintf(p.out, "%s\n", terms)
		p.mu.Unlock()
		if err != nil {
			return "", "", err
		}
	}
	first, err := p.ask(ctx, "First name: ")
	if err != nil {
		return "", "", err
	}
	last, err := p.ask(ctx, "Last name (optional): ")
	if err != nil {
		return "", "", err
	}
	return first, last, nil
}

// QR implements QRFunc: it draws the token's tg://login URL as a QR code with half-block
// characters (light modules drawn, for dark terminals) and prints the URL under it.
func (p *TerminalPrompt) QR(_ context.Context, token *QRLoginToken) error {
	code, err := qrcode.New(token.URL(), qrcode.Low)
	if err != nil {
		return fmt.Errorf("mtgo: QR code: %w", err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	_, err = fmt.Fprintf(p.out, "Scan this code in Telegram (Settings > Devices > Link Desktop Device):\n%s%s\n",
		code.ToSmallString(false), token.URL())
	return err
}
