package delivery

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/affcore/affcore/core/postback"
)

// metrics are the delivery counters. Alert on
// rate(affcore_postback_attempts_total{result="failed"}[5m]) > 0: each is a
// delivery given up (replayable from the log).
type metrics struct {
	attempts     *prometheus.CounterVec
	latency      prometheus.Histogram
	deferred     prometheus.Counter
	skipped      prometheus.Counter
	recordErrors prometheus.Counter
	held         prometheus.Gauge
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		attempts: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "affcore_postback_attempts_total",
			Help: "Outgoing postback attempts by result: delivered, retrying (will be retried) or failed (given up)."},
			[]string{"result"}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "affcore_postback_attempt_duration_seconds",
			Help:    "Time from sending an outgoing postback to its answer (or error).",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}}),
		deferred: prometheus.NewCounter(prometheus.CounterOpts{Name: "affcore_postback_deferred_total",
			Help: "Jobs put off because their receiver was saturated (not attempts)."}),
		skipped: prometheus.NewCounter(prometheus.CounterOpts{Name: "affcore_postback_duplicates_skipped_total",
			Help: "Duplicate or stale jobs acknowledged without sending."}),
		recordErrors: prometheus.NewCounter(prometheus.CounterOpts{Name: "affcore_postback_record_errors_total",
			Help: "Batches of results that could not be logged (the jobs are attempted again)."}),
		held: prometheus.NewGauge(prometheus.GaugeOpts{Name: "affcore_postback_jobs_held",
			Help: "Jobs this node holds: queued for a receiver or being sent."}),
	}
	if reg != nil {
		reg.MustRegister(m.attempts, m.latency, m.deferred, m.skipped, m.recordErrors, m.held)
	}
	return m
}

func (m *metrics) observe(r postback.Result) {
	m.attempts.WithLabelValues(string(r.Status)).Inc()
	if r.Attempt != nil {
		m.latency.Observe(r.Attempt.Latency.Seconds())
	}
}
