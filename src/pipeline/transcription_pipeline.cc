#include "pipeline/transcription_pipeline.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <atomic>
#include <deque>
#include <chrono>
#include <exception>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "common/error.h"
#include "audio/audio_source.h"
#include "features/waveform_normalizer.h"
#include "pipeline/bounded_queue.h"
#include "runtime/usable_cores.h"

namespace w2v2 {
namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

struct Loaded {  // reader -> batcher
  size_t index = 0;
  Clock::time_point read_start;
  std::vector<float> samples;
  UtteranceResult result;  // failed here already when status != kOk
  // A piece of a long file: which one of how many, and its context.
  size_t chunk_index = 0;
  size_t chunk_count = 0;  // 0: a whole file
  AudioChunk chunk;
};

// The pieces of one long file, gathered in the decode pool until all have arrived.
struct Assembly {
  std::vector<UtteranceLogits> parts;
  size_t received = 0;
  std::string error;  // of the first failed piece
  FailureStage error_stage = FailureStage::kNone;
};

struct Batch {  // batcher -> device
  std::vector<std::unique_ptr<Loaded>> items;
};

struct Computed {  // device -> decode pool
  std::unique_ptr<Loaded> item;
  UtteranceLogits logits;
  bool padded = false;  // shorter than its batch's longest member
};

// What the engine gave one utterance of a batch: its logits, or why it failed.
struct Outcome {
  UtteranceLogits logits;
  std::string error;
};

void run_isolating(const BatchEngine& engine, const std::vector<const std::vector<float>*>& waveforms, size_t begin,
                   size_t end, std::vector<Outcome>& out, size_t& splits);

// waveforms[begin, end) failed as one batch with `error`: a single utterance keeps the error; a larger
// batch is split in halves and each is retried, so an oversized batch still completes and a bad utterance
// fails alone. `splits` counts the retries.
void isolate_failure(const BatchEngine& engine, const std::vector<const std::vector<float>*>& waveforms,
                     size_t begin, size_t end, const std::string& error, std::vector<Outcome>& out, size_t& splits) {
  if (end - begin == 1) {
    out[begin].error = error;
    return;
  }
  ++splits;
  spdlog::warn("a batch of {} failed ({}); retrying it in halves", end - begin, error_summary(error));
  const size_t mid = begin + (end - begin) / 2;
  run_isolating(engine, waveforms, begin, mid, out, splits);
  run_isolating(engine, waveforms, mid, end, out, splits);
}

// Runs waveforms[begin, end) as one batch; when that fails (out of memory, an input the model rejects),
// isolates the failure (isolate_failure).
void run_isolating(const BatchEngine& engine, const std::vector<const std::vector<float>*>& waveforms, size_t begin,
                   size_t end, std::vector<Outcome>& out, size_t& splits) {
  const std::vector<const std::vector<float>*> part(waveforms.begin() + static_cast<std::ptrdiff_t>(begin),
                                                    waveforms.begin() + static_cast<std::ptrdiff_t>(end));
  try {
    std::vector<UtteranceLogits> logits = engine.run(part);
    W2V2_CHECK(logits.size() == part.size(), "engine returned ", logits.size(), " results for ", part.size(), " inputs");
    for (size_t k = 0; k < part.size(); ++k) out[begin + k].logits = std::move(logits[k]);
  } catch (const std::exception& e) {
    isolate_failure(engine, waveforms, begin, end, e.what(), out, splits);
  }
}

// Adds busy time from several threads.
class Accumulator {
 public:
  void add(double s) {
    std::lock_guard<std::mutex> lock(mutex_);
    total_ += s;
  }
  double total() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return total_;
  }

 private:
  mutable std::mutex mutex_;
  double total_ = 0.0;
};

// Runs `body` and, on an unexpected exception, records it and closes every queue so all stages stop.
class FailureLatch {
 public:
  template <typename F>
  void guard(F&& body, const std::function<void()>& close_all) {
    try {
      body();
    } catch (...) {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!error_) error_ = std::current_exception();
      }
      close_all();
    }
  }
  void rethrow() const {
    if (error_) std::rethrow_exception(error_);
  }

 private:
  std::mutex mutex_;
  std::exception_ptr error_;
};

}  // namespace

TranscriptionPipeline::TranscriptionPipeline(PipelineConfig config, ReadOptions read, const BatchEngine& engine,
                                             const TranscriptBuilder& builder, TraceRecorder* trace)
    : config_(std::move(config)), read_(std::move(read)), engine_(engine), builder_(builder), trace_(trace) {
  config_.validate();
  config_.resolve_for_device(engine_.max_in_flight() > 1, static_cast<unsigned>(usable_cores()));
}

RunSummary TranscriptionPipeline::run(const std::vector<Utterance>& inputs, TranscriptWriter& writer,
                                      ProgressObserver* progress) {
  TraceRecorder no_trace(false);
  TraceRecorder& trace = trace_ ? *trace_ : no_trace;
  const auto start = Clock::now();
  const size_t capacity = config_.queue_capacity;
  BoundedQueue<std::unique_ptr<Loaded>> loaded(capacity * static_cast<size_t>(config_.batching.max_batch_size));
  BoundedQueue<Batch> batches(capacity);
  BoundedQueue<Computed> computed(capacity * static_cast<size_t>(config_.batching.max_batch_size));
  BoundedQueue<UtteranceResult> results(capacity * static_cast<size_t>(config_.batching.max_batch_size));
  auto close_all = [&] {
    loaded.close();
    batches.close();
    computed.close();
    results.close();
  };
  FailureLatch latch;
  Accumulator read_busy, decode_busy;
  double batch_busy = 0.0, device_busy = 0.0, device_wait = 0.0;
  size_t batch_count = 0, batch_splits = 0;
  int64_t padded_samples = 0, real_samples = 0;

  // Readers: claim inputs by an atomic cursor; the last one to finish closes `loaded`.
  std::atomic<size_t> cursor{0};
  std::atomic<int> readers_left{config_.reader_threads};
  std::vector<std::thread> threads;
  // Starts a stage thread. Should that fail (std::system_error under a thread limit), the threads already
  // running are stopped and joined before the exception leaves: a joinable std::thread destroyed would
  // std::terminate the process.
  auto spawn = [&](auto body) {
    try {
      threads.emplace_back(std::move(body));
    } catch (...) {
      close_all();
      for (auto& t : threads) t.join();
      throw;
    }
  };
  for (int r = 0; r < config_.reader_threads; ++r) {
    spawn([&, r] {
      trace.name_thread("reader " + std::to_string(r));
      latch.guard(
          [&] {
            for (size_t i; (i = cursor.fetch_add(1)) < inputs.size();) {
              const Utterance& u = inputs[i];
              const auto t0 = Clock::now();
              auto item = std::make_unique<Loaded>();
              item->index = i;
              item->read_start = t0;
              item->result.index = i;
              item->result.id = u.id;
              item->result.path = u.path;
              item->result.output_stem = u.output_stem;
              std::vector<AudioChunk> chunks;
              std::unique_ptr<AudioSource> source;  // a long file, read chunk by chunk
              try {
                // One open per file: a long one is streamed in chunks, a short one read whole.
                const int rate = read_.audio.target_sample_rate_hz;
                source = std::make_unique<AudioSource>(u.path, read_.audio, config_.chunking.chunk_seconds);
                item->result.duration_seconds = static_cast<double>(source->frames()) / rate;
                chunks = plan_chunks(source->frames(), config_.chunking, rate);
                if (chunks.size() <= 1) {
                  item->samples = source->take_all();
                  source.reset();
                  if (read_.normalize) normalize_waveform(item->samples);
                }
              } catch (const std::exception& e) {
                item->result.status = UtteranceStatus::kFailed;
                item->result.error_stage = FailureStage::kRead;
                item->result.error = e.what();
                spdlog::warn("{}: failed at read: {}", u.path, e.what());
              }
              const auto t1 = Clock::now();
              read_busy.add(seconds(t0, t1));
              trace.span("read", t0, t1, u.id);
              if (chunks.size() <= 1) {
                if (!loaded.push(std::move(item))) return;
                continue;
              }
              // A long file travels as chunks (each normalized on its own, as the HF pipeline does), read
              // from the file one at a time (front to back when it cannot seek), so memory does not grow with
              // its length. A chunk that cannot be read fails, and so the file does, once all its chunks are
              // accounted for.
              std::string chunk_error;
              for (size_t k = 0; k < chunks.size(); ++k) {
                auto piece = std::make_unique<Loaded>();
                piece->index = i;
                piece->read_start = t0;
                piece->result = item->result;
                piece->chunk_index = k;
                piece->chunk_count = chunks.size();
                piece->chunk = chunks[k];
                if (chunk_error.empty()) {
                  const auto r0 = Clock::now();
                  try {
                    piece->samples = source->read(chunks[k].start, chunks[k].length);
                    if (read_.normalize) normalize_waveform(piece->samples);
                  } catch (const std::exception& e) {
                    chunk_error = e.what();
                    spdlog::warn("{}: failed at read: {}", u.path, chunk_error);
                  }
                  read_busy.add(seconds(r0, Clock::now()));
                }
                if (!chunk_error.empty()) {
                  piece->samples.clear();
                  piece->result.status = UtteranceStatus::kFailed;
                  piece->result.error_stage = FailureStage::kRead;
                  piece->result.error = chunk_error;
                }
                if (!loaded.push(std::move(piece))) return;
              }
            }
          },
          close_all);
      if (--readers_left == 0) loaded.close();
    });
  }

  // Batcher: windows of `sort_window` loaded items, sorted by length, cut by the caps. Failed reads
  // bypass the model and go straight to the writer. When an asynchronous device (GPU) runs dry (at the start,
  // or when reading is the bottleneck) it sets `device_hungry` and nudges the batcher with a null item, and
  // the partial window is batched at once: the device never idles while audio is waiting in the window.
  std::atomic<bool> device_hungry{false};
  spawn([&] {
    trace.name_thread("batcher");
    latch.guard(
        [&] {
          std::vector<std::unique_ptr<Loaded>> window;
          int64_t window_samples = 0;  // bounded too, so long files do not pile up in memory
          auto flush = [&] {
            const auto t0 = Clock::now();
            std::vector<int64_t> lengths;
            for (const auto& item : window) lengths.push_back(static_cast<int64_t>(item->samples.size()));
            const auto groups = make_batches(lengths, config_.batching);
            batch_busy += seconds(t0, Clock::now());
            for (const auto& group : groups) {
              Batch batch;
              int64_t longest = 0;
              for (size_t k : group) {
                longest = std::max(longest, lengths[k]);
                real_samples += lengths[k];
                batch.items.push_back(std::move(window[k]));
              }
              padded_samples += longest * static_cast<int64_t>(group.size());
              if (!batches.push(std::move(batch))) return;
            }
            window.clear();
            window_samples = 0;
          };
          while (auto item = loaded.pop()) {
            if (!*item) {  // the device's nudge: it has nothing to run
              if (!window.empty()) {
                device_hungry = false;
                flush();
              }
              continue;
            }
            if ((*item)->result.status != UtteranceStatus::kOk && (*item)->chunk_count > 0) {
              // A failed chunk still has to reach its file's assembly in the decode pool.
              if (!computed.push(Computed{std::move(*item), {}, false})) return;
              continue;
            }
            if ((*item)->result.status != UtteranceStatus::kOk) {
              UtteranceResult failed = std::move((*item)->result);
              failed.latency_seconds = seconds((*item)->read_start, Clock::now());
              if (!results.push(std::move(failed))) return;
              continue;
            }
            window_samples += static_cast<int64_t>((*item)->samples.size());
            window.push_back(std::move(*item));
            if (window.size() >= config_.batching.sort_window || window_samples >= config_.batching.max_window_samples) {
              flush();
            } else if (device_hungry && loaded.size() == 0) {
              // The device is idle: batch what has arrived rather than wait for a full window.
              device_hungry = false;
              flush();
            }
          }
          if (!window.empty()) flush();
        },
        close_all);
    batches.close();
  });

  // Device: the calling thread owns the engine (forward passes on a spawned thread measured a few % slower
  // than on the thread that configured torch). An asynchronous engine (CUDA) keeps up to max_in_flight()
  // batches queued: batch N+1 is staged and queued before batch N is collected, so the GPU never waits for
  // the host between batches. The device's busy time is what the engine reports (GPU events on CUDA); its
  // waiting time is the gaps before and between its batches, from the start of the run.
  const bool async_device = engine_.max_in_flight() > 1;
  // Only an asynchronous device may take partial windows, and not when batches must repeat run to run.
  const bool nudge_batcher = async_device && !config_.reproducible_batches;
  struct InFlight {
    Batch batch;
    std::vector<const std::vector<float>*> waveforms;
    std::unique_ptr<PendingBatch> pending;  // null when submitting failed
    std::string error;                      // why submitting failed
  };
  auto device_loop = [&] {
    trace.name_thread("device");
    latch.guard(
        [&] {
          Clock::time_point device_free = start;  // when the device finished its previous batch (or began)
          // Collects one batch and hands its utterances to the decode pool; false once that queue is closed.
          auto collect = [&](InFlight& f) {
            const size_t n = f.waveforms.size();
            std::vector<Outcome> outcomes(n);
            DeviceSpan span{};
            const auto c0 = Clock::now();
            std::string error = f.error;
            if (f.pending) {
              try {
                std::vector<UtteranceLogits> logits = f.pending->wait();
                W2V2_CHECK(logits.size() == n, "engine returned ", logits.size(), " results for ", n, " inputs");
                for (size_t k = 0; k < n; ++k) outcomes[k].logits = std::move(logits[k]);
                span = f.pending->device_span();
              } catch (const std::exception& e) {
                error = e.what();
              }
            }
            if (!error.empty()) {
              span.start = Clock::now();
              isolate_failure(engine_, f.waveforms, 0, n, error, outcomes, batch_splits);
              span.end = Clock::now();
            }
            if (async_device) trace.span("collect", c0, Clock::now());
            device_busy += span.seconds();
            if (span.start > device_free) device_wait += seconds(device_free, span.start);
            device_free = std::max(device_free, span.end);
            ++batch_count;
            if (async_device) {
              trace.span_on("gpu", "forward", span.start, span.end, "batch of " + std::to_string(n));
            } else {
              trace.span("forward", span.start, span.end, "batch of " + std::to_string(n));
            }
            size_t longest = 0;
            for (const auto* w : f.waveforms) longest = std::max(longest, w->size());
            for (size_t k = 0; k < n; ++k) {
              Computed c{std::move(f.batch.items[k]), {}, false};
              c.padded = c.item->samples.size() < longest;
              if (!outcomes[k].error.empty()) {
                c.item->result.status = UtteranceStatus::kFailed;
                c.item->result.error_stage = FailureStage::kModel;
                c.item->result.error = outcomes[k].error;
                spdlog::warn("{}: failed at model: {}", inputs[c.item->index].path, error_summary(outcomes[k].error));
              } else {
                c.logits = std::move(outcomes[k].logits);
              }
              if (!computed.push(std::move(c))) return false;
            }
            return true;
          };
          std::deque<InFlight> in_flight;
          const size_t depth = static_cast<size_t>(std::max(1, engine_.max_in_flight()));
          for (;;) {
            if (nudge_batcher && batches.size() == 0) {
              // Nothing queued for the device: ask the batcher for what its window holds now, so the next
              // batch is queued behind the one in flight (or the idle device starts) without waiting for a
              // full window. (If the window is empty, the next audio to arrive is batched at once.) Only for
              // a GPU: there the host must keep pace with ~1000x real time. On the CPU a full window costs
              // well under 1 % of the run and keeps the batches (and so the logits' last bits) reproducible.
              device_hungry = true;
              loaded.try_push(nullptr);
            }
            auto batch = batches.pop();
            if (!batch) break;
            InFlight f{std::move(*batch), {}, nullptr, {}};
            for (const auto& item : f.batch.items) f.waveforms.push_back(&item->samples);
            const auto s0 = Clock::now();
            try {
              f.pending = engine_.submit(f.waveforms);
            } catch (const std::exception& e) {
              f.error = e.what();
            }
            if (async_device) trace.span("stage", s0, Clock::now(), "batch of " + std::to_string(f.waveforms.size()));
            in_flight.push_back(std::move(f));
            while (in_flight.size() >= depth || (!in_flight.empty() && !in_flight.back().pending)) {
              if (!collect(in_flight.front())) return;
              in_flight.pop_front();
            }
          }
          for (; !in_flight.empty(); in_flight.pop_front()) {
            if (!collect(in_flight.front())) return;
          }
        },
        close_all);
    computed.close();
  };

  // Decode pool. For --check-padding it keeps the logits of the first utterances that ran zero-padded.
  std::mutex kept_mutex;
  std::map<size_t, std::pair<UtteranceLogits, std::string>> kept;  // index -> (batched logits, transcript)
  std::mutex assembly_mutex;
  std::map<size_t, Assembly> assemblies;  // input index -> pieces of a long file
  std::atomic<int> decoders_left{config_.decode_threads};
  for (int d = 0; d < config_.decode_threads; ++d) {
    spawn([&, d] {
      trace.name_thread("decode " + std::to_string(d));
      latch.guard(
          [&] {
            while (auto c = computed.pop()) {
              const auto t0 = Clock::now();
              if (c->item->chunk_count > 0) {
                // A piece of a long file: keep its logits without the context frames; the last piece to
                // arrive turns them into the file's result.
                std::lock_guard<std::mutex> lock(assembly_mutex);
                Assembly& a = assemblies[c->item->index];
                a.parts.resize(c->item->chunk_count);
                if (c->item->result.status != UtteranceStatus::kOk) {
                  if (a.error.empty()) {
                    a.error = c->item->result.error;
                    a.error_stage = c->item->result.error_stage;
                  }
                } else {
                  a.parts[c->item->chunk_index] = trim_chunk_logits(c->logits, c->item->chunk);
                }
                if (++a.received < c->item->chunk_count) continue;
                c->logits = concatenate_logits(a.parts);
                if (!a.error.empty()) {
                  c->item->result.status = UtteranceStatus::kFailed;
                  c->item->result.error_stage = a.error_stage;
                  c->item->result.error = a.error;
                }
                assemblies.erase(c->item->index);
                c->padded = false;
              }
              UtteranceResult result = std::move(c->item->result);
              if (result.status == UtteranceStatus::kOk) builder_.build(inputs[c->item->index], c->logits, result);
              if (config_.check_padding > 0 && c->padded && result.status == UtteranceStatus::kOk) {
                std::lock_guard<std::mutex> lock(kept_mutex);
                if (kept.size() < config_.check_padding) kept.emplace(result.index, std::make_pair(c->logits, result.text));
              }
              const auto t1 = Clock::now();
              result.latency_seconds = seconds(c->item->read_start, t1);
              c->item.reset();  // free the waveform early
              decode_busy.add(seconds(t0, t1));
              trace.span("decode", t0, t1, result.id);
              if (!results.push(std::move(result))) return;
            }
          },
          close_all);
      if (--decoders_left == 0) results.close();
    });
  }

  // Ordered writer: a reorder buffer keyed by input index.
  RunSummary summary;
  Progress state;
  state.total = inputs.size();
  std::vector<uint64_t> sizes(inputs.size(), 0);
  if (progress) {
    for (size_t i = 0; i < inputs.size(); ++i) {
      std::error_code ec;
      const auto size = std::filesystem::file_size(inputs[i].path, ec);
      sizes[i] = ec ? 0 : size;
      state.bytes_total += sizes[i];
    }
  }
  double write_busy = 0.0;
  spawn([&] {
    trace.name_thread("writer");
    latch.guard(
      [&] {
        std::map<size_t, UtteranceResult> pending;
        size_t next = 0;
        while (auto r = results.pop()) {
          pending.emplace(r->index, std::move(*r));
          for (auto it = pending.find(next); it != pending.end(); it = pending.find(next)) {
            const auto t0 = Clock::now();
            UtteranceResult& result = it->second;
            write_result(writer, result);
            summary.count(std::move(result));
            pending.erase(it);
            if (progress) {
              state.done = next + 1;
              state.audio_seconds = summary.audio_seconds;  // already counted
              state.bytes_done += sizes[next];
              state.elapsed_seconds = seconds(start, Clock::now());
              progress->on_progress(state);
            }
            ++next;
            write_busy += seconds(t0, Clock::now());
          }
        }
      },
      close_all);
  });
  device_loop();
  for (auto& t : threads) t.join();
  latch.rethrow();
  W2V2_CHECK(summary.files == inputs.size(), "pipeline lost results: ", summary.files, " of ", inputs.size());
  writer.finish();
  if (progress) progress->on_finish();

  summary.wall_seconds = seconds(start, Clock::now());
  summary.model_seconds = device_busy;
  summary.pipeline.read_seconds = read_busy.total();
  summary.pipeline.batch_seconds = batch_busy;
  summary.pipeline.device_seconds = device_busy;
  summary.pipeline.device_wait_seconds = device_wait;
  summary.pipeline.decode_seconds = decode_busy.total();
  summary.pipeline.write_seconds = write_busy;
  summary.pipeline.batches = batch_count;
  summary.pipeline.batch_splits = batch_splits;
  summary.pipeline.padding_waste =
      padded_samples > 0 ? static_cast<double>(padded_samples - real_samples) / padded_samples : 0.0;
  summary.padding_check = check_padding(inputs, kept);
  return summary;
}

PaddingCheck TranscriptionPipeline::check_padding(
    const std::vector<Utterance>& inputs, const std::map<size_t, std::pair<UtteranceLogits, std::string>>& kept) const {
  PaddingCheck check;
  for (const auto& [index, batched] : kept) {
    const Utterance& u = inputs[index];
    // The results are already written: a file that changed or vanished since, or a forward that fails
    // now, is a warning about the check, not a failure of the run.
    UtteranceLogits alone;
    try {
      std::vector<float> samples = AudioSource(u.path, read_.audio, config_.chunking.chunk_seconds).take_all();
      if (read_.normalize) normalize_waveform(samples);
      alone = engine_.run({&samples}).front();
    } catch (const std::exception& e) {
      spdlog::warn("--check-padding: {} not re-run alone: {}", u.path, e.what());
      continue;
    }
    UtteranceResult result;
    builder_.build(u, alone, result);
    ++check.checked;
    if (alone.data.size() != batched.first.data.size()) {
      check.max_logit_difference = std::numeric_limits<double>::infinity();
    } else {
      for (size_t i = 0; i < alone.data.size(); ++i) {
        check.max_logit_difference =
            std::max(check.max_logit_difference, static_cast<double>(std::abs(alone.data[i] - batched.first.data[i])));
      }
    }
    if (result.text != batched.second) check.transcript_differences.push_back(u.id);
  }
  return check;
}

}  // namespace w2v2
