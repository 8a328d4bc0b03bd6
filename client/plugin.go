package mtgo

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Plugin is a feature installed on a client in one step: the handlers, handler middleware,
// invoker middleware and lifecycle hooks it needs, registered by Install. Work a plugin
// does while the client runs hangs on those hooks (OnStart or OnConnected to begin,
// OnStop to end), so a plugin has no life cycle of its own.
type Plugin interface {
	// Name names the plugin: one client installs one plugin of each name.
	Name() string
	// Install registers the plugin on c. It should check what it needs before registering
	// anything: what it registered before failing stays registered.
	Install(c *Client) error
}

// NewPlugin returns a Plugin named name whose Install is install.
func NewPlugin(name string, install func(c *Client) error) Plugin {
	return funcPlugin{name: name, install: install}
}

type funcPlugin struct {
	name    string
	install func(*Client) error
}

func (p funcPlugin) Name() string { return p.name }

func (p funcPlugin) Install(c *Client) error {
	if p.install == nil {
		return nil
	}
	return p.install(c)
}

// Plugin errors.
var (
	// ErrPluginInvalid is a nil plugin, or one without a name.
	ErrPluginInvalid = errors.New("mtgo: invalid plugin")
	// ErrPluginInstalled is a second plugin with the name of one installed.
	ErrPluginInstalled = errors.New("mtgo: plugin already installed")
)

// pluginSet is the names of the plugins installed; installs run one at a time.
type pluginSet struct {
	mu    sync.Mutex
	names []string
}

// Use installs plugin: it runs plugin.Install on the client and remembers its name. It fails
// with ErrPluginInvalid for a nil or nameless plugin, ErrPluginInstalled when a plugin of that
// name is installed, or Install's error (the name is then not taken). Safe while the client
// runs; installs run one at a time.
func (c *Client) Use(plugin Plugin) error {
	if plugin == nil || plugin.Name() == "" {
		return fmt.Errorf("%w: %T", ErrPluginInvalid, plugin)
	}
	name := plugin.Name()
	c.plugins.mu.Lock()
	defer c.plugins.mu.Unlock()
	for _, n := range c.plugins.names {
		if n == name {
			return fmt.Errorf("mtgo: use plugin %q: %w", name, ErrPluginInstalled)
		}
	}
	if err := plugin.Install(c); err != nil {
		return fmt.Errorf("mtgo: install plugin %q: %w", name, err)
	}
	c.plugins.names = append(c.plugins.names, name)
	c.Log.Info("plugin installed", "plugin", name)
	return nil
}

// Plugins returns the names of the installed plugins, in the order they were installed.
func (c *Client) Plugins() []string {
	c.plugins.mu.Lock()
	defer c.plugins.mu.Unlock()
	return append([]string(nil), c.plugins.names...)
}

// errNilInvoker fails InvokeWithMiddleware without a base invoker.
var errNilInvoker = errors.New("mtgo: invoke with middleware: nil base invoker")

// InvokeWithMiddleware sends query through the invoker middleware installed with
// UseInvokerMiddleware, with base making the call at the end of the chain instead of the
// client's call policy: a per-DC session's invoker, a test double. The answer is decoded as
// query's result type (as Invoke returns it) and, the call being base's, is not fed to the
// peer cache or the update engine. A Takeout is not such a base: its calls already run
// through the client's whole chain, middleware included (call it directly).
func (c *Client) InvokeWithMiddleware(ctx context.Context, base tg.Invoker, query tg.TLObject) (tg.TLObject, error) {
	switch {
	case base == nil:
		return nil, errNilInvoker
	case query == nil:
		return nil, errNilQuery
	}
	d := tg.ResultDecoder(query)
	if err := c.through(ctx, query, d, base.Invoke); err != nil {
		return nil, err
	}
	return tg.ResultObject(d), nil
}

// NewContext returns a Context bound to the client outside any handler, for code written
// for handlers (helpers taking a *Context, its Client, Set and Get) called from elsewhere. It
// carries no update: the actions on the update's message fail with ErrContextNoMessage. A
// nil ctx means the client's lifetime (cancelled by Stop). The package function NewContext
// builds one without a client, for tests.
func (c *Client) NewContext(ctx context.Context) *Context {
	if ctx == nil {
		ctx = c.life
	}
	return &Context{Context: ctx, Client: c}
}
