#include "pipeline/transcription_pipeline.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <limits>
#include <mutex>
#include <string>
#include <thread>

#include "common/error.h"
#include "pipeline/batcher_stage.h"
#include "pipeline/bounded_queue.h"
#include "pipeline/decode_stage.h"
#include "pipeline/device_stage.h"
#include "pipeline/input_order_gate.h"
#include "pipeline/ordered_writer.h"
#include "common/usable_cores.h"

namespace w2v2 {
namespace {

// The queues between the stages, and the readers' order gate. A normal end travels as EndOfStream
// messages; abort() drops what is queued and wakes every waiting thread, so all stages stop at once.
struct Queues {
  Queues(size_t capacity, size_t per_batch)
      : read(capacity * per_batch), batches(capacity), computed(capacity * per_batch), results(capacity * per_batch) {}
  void abort() {
    order.abort();
    read.abort();
    batches.abort();
    computed.abort();
    results.abort();
  }
  InputOrderGate order;                    // readers hand pieces on in input order
  BoundedQueue<ReadMessage> read;          // readers -> batcher (and the device's DeviceIdle)
  BoundedQueue<BatchMessage> batches;      // batcher -> device
  BoundedQueue<ComputedMessage> computed;  // device -> decode pool
  BoundedQueue<ResultMessage> results;     // decode pool -> writer
};

// The stage threads of one run. A body that throws records the first exception and aborts the queues, so
// all stages stop; join() then rethrows it.
class StageThreads {
 public:
  StageThreads(Queues& queues, TraceRecorder& trace) : queues_(queues), trace_(trace) {}
  ~StageThreads() {
    queues_.abort();
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }

  // Should starting a thread fail (std::system_error under a thread limit), the running ones are stopped
  // and joined before the exception leaves (the destructor), never left joinable.
  template <typename F>
  void spawn(std::string name, F body) {
    threads_.emplace_back([this, name = std::move(name), body = std::move(body)]() mutable {
      auto named = [&] {
        trace_.name_thread(name);
        body();
      };
      guard(named);
    });
  }

  template <typename F>
  void guard(F& body) {
    try {
      body();
    } catch (...) {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!error_) error_ = std::current_exception();
      }
      queues_.abort();
    }
  }

  void join() {
    for (auto& t : threads_) t.join();
    threads_.clear();
    if (error_) std::rethrow_exception(error_);
  }

 private:
  Queues& queues_;
  TraceRecorder& trace_;
  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::exception_ptr error_;
};

}  // namespace

struct TranscriptionPipeline::Stages {
  TraceRecorder& trace;
  ReaderStage reader;
  BatcherStage batcher;
  DeviceStage device;
  DecodeStage decoder;
  OrderedWriter writer;
};

TranscriptionPipeline::TranscriptionPipeline(PipelineConfig config, ReadOptions read, const BatchEngine& engine,
                                             const TranscriptBuilder& builder, TraceRecorder* trace)
    : config_(std::move(config)), read_(std::move(read)), engine_(engine), builder_(builder), trace_(trace) {
  config_.validate();
  config_.resolve_for_device(engine_.device(), static_cast<unsigned>(usable_cores()), read_.audio.target_sample_rate_hz);
}

RunSummary TranscriptionPipeline::run(const std::vector<Utterance>& inputs, TranscriptWriter& writer,
                                      ProgressObserver* progress, TranscriptWriter* journal) {
  TraceRecorder no_trace(false);
  TraceRecorder& trace = trace_ ? *trace_ : no_trace;
  const auto start = PipelineClock::now();
  // The serial path keeps one batch at a time on the device; the pipelined one as many as the engine takes.
  const size_t depth = config_.enabled ? static_cast<size_t>(std::max(1, engine_.max_in_flight())) : 1;
  Stages stages{trace, ReaderStage(read_, config_.chunking, trace), BatcherStage(config_.batching),
                DeviceStage(engine_, depth, trace, start), DecodeStage(builder_, inputs, config_.check_padding, trace),
                OrderedWriter(writer, progress, inputs, start, journal)};
  if (config_.enabled) {
    // spdlog's registry is a function-local static built on first use; build it here, before the stage
    // threads can race to (libspdlog is not instrumented, so ThreadSanitizer cannot see its guard).
    (void)spdlog::default_logger_raw();
    run_threaded(inputs, stages);
  } else {
    run_serial(inputs, stages);
  }
  W2V2_CHECK(stages.writer.written() == inputs.size(), "pipeline lost results: ", stages.writer.written(), " of ",
             inputs.size());
  writer.finish();
  if (progress) progress->on_finish();

  RunSummary summary = std::move(stages.writer.summary());
  summary.wall_seconds = std::chrono::duration<double>(PipelineClock::now() - start).count();
  summary.model_seconds = stages.device.busy_seconds();
  PipelineStats& p = summary.pipeline;
  p.read_seconds = stages.reader.busy_seconds();
  p.batch_seconds = stages.batcher.busy_seconds();
  p.device_seconds = stages.device.busy_seconds();
  p.device_wait_seconds = stages.device.wait_seconds();
  p.decode_seconds = stages.decoder.busy_seconds();
  p.write_seconds = stages.writer.busy_seconds();
  p.batches = stages.device.batches();
  p.batch_splits = stages.device.splits();
  p.padding_waste = stages.batcher.padding_waste();
  summary.padding_check = check_padding(inputs, stages.reader, stages.decoder.take_padded());
  return summary;
}

// Readers claim inputs by an atomic cursor; the batcher, the decode pool and the writer each run on their
// own threads; the device stage runs here, on the calling thread (forward passes on a spawned thread measured
// a few % slower than on the thread that configured torch).
void TranscriptionPipeline::run_threaded(const std::vector<Utterance>& inputs, Stages& stages) {
  Queues queues(config_.queue_capacity, static_cast<size_t>(config_.batching.max_batch_size));
  const int readers = config_.reader_threads;
  const int decoders = config_.decode_threads;
  std::atomic<size_t> cursor{0};
  // Only a GPU that runs dry asks the batcher for its partial window, and not when batches must repeat run
  // to run: there the host must keep pace with ~1000x real time. On the CPU a full window costs well under
  // 1 % of the run and keeps the batches (and the logits' last bits) reproducible.
  const bool nudge = engine_.device().is_gpu() && !config_.reproducible_batches;
  // Without nudges the batches depend on the order pieces reach the batcher only: readers keep input order.
  // (With nudges they depend on timing anyway, and readers hand pieces on as they finish.)
  const bool in_order = !nudge;
  StageThreads threads(queues, stages.trace);  // after everything its threads use: joined before those go
  for (int r = 0; r < readers; ++r) {
    threads.spawn("reader " + std::to_string(r), [&] {
      for (size_t i; (i = cursor.fetch_add(1)) < inputs.size();) {
        bool my_turn = !in_order;  // out of order: no turn to wait for
        const Sink<ReadMessage> to_batcher = [&](ReadMessage m) {
          if (!my_turn) {
            if (!queues.order.wait_turn(i)) return false;
            my_turn = true;
          }
          return queues.read.push(std::move(m));
        };
        const bool sent = stages.reader.read(inputs[i], i, to_batcher);
        if (in_order) queues.order.pass(i);
        if (!sent) return;
      }
      queues.read.push(EndOfStream{});
    });
  }
  threads.spawn("batcher", [&] {
    const Sink<BatchMessage> to_device = [&](BatchMessage m) { return queues.batches.push(std::move(m)); };
    int ended = 0;  // readers done
    while (auto m = queues.read.pop()) {
      if (std::holds_alternative<EndOfStream>(*m) && ++ended < readers) continue;
      const bool last = std::holds_alternative<EndOfStream>(*m);
      if (!stages.batcher.accept(std::move(*m), queues.read.size() > 0, to_device) || last) return;
    }
  });
  for (int d = 0; d < decoders; ++d) {
    threads.spawn("decode " + std::to_string(d), [&] {
      const Sink<UtteranceResult> to_writer = [&](UtteranceResult r) { return queues.results.push(std::move(r)); };
      while (auto m = queues.computed.pop()) {
        if (std::holds_alternative<EndOfStream>(*m)) {
          queues.results.push(EndOfStream{});
          return;
        }
        if (!stages.decoder.accept(std::move(*m), to_writer)) return;
      }
    });
  }
  threads.spawn("writer", [&] {
    int ended = 0;  // decoders done
    while (auto m = queues.results.pop()) {
      if (std::holds_alternative<EndOfStream>(*m)) {
        if (++ended == decoders) return;
        continue;
      }
      stages.writer.accept(std::move(std::get<UtteranceResult>(*m)));
    }
  });
  auto device_loop = [&] {
    stages.trace.name_thread("device");
    const Sink<ComputedMessage> to_decoders = [&](ComputedMessage m) {
      if (!std::holds_alternative<EndOfStream>(m)) return queues.computed.push(std::move(m));
      for (int d = 0; d < decoders; ++d) {
        if (!queues.computed.push(EndOfStream{})) return false;
      }
      return true;
    };
    for (;;) {
      if (nudge && queues.batches.size() == 0) queues.read.try_push(DeviceIdle{});
      auto m = queues.batches.pop();
      if (!m) return;
      const bool last = std::holds_alternative<EndOfStream>(*m);
      if (!stages.device.accept(std::move(*m), to_decoders) || last) return;
    }
  };
  threads.guard(device_loop);
  threads.join();
}

// --pipeline off: the same stages, one after another on this thread; each stage hands its output straight
// to the next.
void TranscriptionPipeline::run_serial(const std::vector<Utterance>& inputs, Stages& stages) {
  const Sink<UtteranceResult> to_writer = [&](UtteranceResult r) {
    stages.writer.accept(std::move(r));
    return true;
  };
  const Sink<ComputedMessage> to_decoder = [&](ComputedMessage m) {
    return stages.decoder.accept(std::move(m), to_writer);
  };
  const Sink<BatchMessage> to_device = [&](BatchMessage m) { return stages.device.accept(std::move(m), to_decoder); };
  const Sink<ReadMessage> to_batcher = [&](ReadMessage m) {
    return stages.batcher.accept(std::move(m), /*more_queued=*/false, to_device);
  };
  // These sinks never refuse (there is no queue to close): an error throws out of here instead.
  for (size_t i = 0; i < inputs.size(); ++i) stages.reader.read(inputs[i], i, to_batcher);
  to_batcher(EndOfStream{});
}

PaddingCheck TranscriptionPipeline::check_padding(const std::vector<Utterance>& inputs, ReaderStage& reader,
                                                  const std::map<size_t, PaddedSample>& kept) const {
  PaddingCheck check;
  for (const auto& [index, batched] : kept) {
    const Utterance& u = inputs[index];
    // The results are already written: a file that changed or vanished since, or a forward that fails
    // now, is a warning about the check, not a failure of the run.
    UtteranceLogits alone;
    try {
      const std::vector<float> samples = reader.load_whole(u.path);
      alone = engine_.run({&samples}).front();
    } catch (const std::exception& e) {
      spdlog::warn("--check-padding: {} not re-run alone: {}", u.path, e.what());
      continue;
    }
    UtteranceResult result;
    builder_.build(u, alone, result);
    ++check.checked;
    if (alone.data.size() != batched.logits.data.size()) {
      check.max_logit_difference = std::numeric_limits<double>::infinity();
    } else {
      for (size_t i = 0; i < alone.data.size(); ++i) {
        check.max_logit_difference =
            std::max(check.max_logit_difference, static_cast<double>(std::abs(alone.data[i] - batched.logits.data[i])));
      }
    }
    if (result.text != batched.text) check.transcript_differences.push_back(u.id);
  }
  return check;
}

}  // namespace w2v2
