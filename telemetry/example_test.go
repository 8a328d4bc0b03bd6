package telemetry_test

import (
	"context"
	"fmt"
	"log"
	"net/http/httptest"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/telemetry"
)

// Metrics served to Prometheus: an OpenTelemetry meter provider with the Prometheus
// exporter, a client instrumented with it, and the /metrics page a scrape reads (here
// through httptest; a program serves promhttp.HandlerFor on its own listener).
func Example_prometheus() {
	reg := prometheus.NewRegistry()
	exporter, err := otelprom.New(otelprom.WithRegisterer(reg))
	if err != nil {
		log.Fatal(err)
	}
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(exporter))
	defer func() { _ = mp.Shutdown(context.Background()) }()
	tel, err := telemetry.New(telemetry.Options{MeterProvider: mp})
	if err != nil {
		log.Fatal(err)
	}

	cfg := mtgo.DefaultConfig
	cfg.InMemory, cfg.NoUpdates = true, true // a real program connects and logs in
	cfg.FxOptions = append(cfg.FxOptions, tel.UpdateEvents())
	client, err := mtgo.NewClient(12345678, "abcdef1234567890abcdef1234567890", &cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer client.Stop()
	if _, err := tel.Instrument(client); err != nil {
		log.Fatal(err)
	}
	client.OnMessage(func(*mtgo.Context, *types.Message) error { return nil })
	_ = client.HandleUpdatesWait(context.Background(), newMessage(7, 1)) // an update arrives

	page := httptest.NewRecorder()
	promhttp.HandlerFor(reg, promhttp.HandlerOpts{}).ServeHTTP(page, httptest.NewRequest("GET", "/metrics", nil))
	for _, line := range strings.Split(page.Body.String(), "\n") {
		switch {
		case strings.HasPrefix(line, "# TYPE mtgo_"):
			fmt.Println(line)
		case strings.HasPrefix(line, "mtgo_handler_duration_seconds_count{"):
			fmt.Println(line[:strings.IndexByte(line, '{')], strings.Contains(line, `mtgo_update="updateNewMessage"`), line[strings.LastIndexByte(line, ' ')+1:])
		}
	}
	// Output:
	// # TYPE mtgo_conn_reconnects_total counter
	// # TYPE mtgo_handler_duration_seconds histogram
	// mtgo_handler_duration_seconds_count true 1
	// # TYPE mtgo_handler_queue gauge
	// # TYPE mtgo_rpc_calls_total counter
	// # TYPE mtgo_updates_lag_seconds gauge
}
