// CudaBatchRunner where LibTorch has no CUDA: built() is false and a runner cannot be made (InferenceEngine
// checks built() first and reports a ConfigError naming the device). Compiled instead of cuda_batch_runner.cc.
#include <stdexcept>

#include "common/error.h"
#include "runtime/cuda_batch_runner.h"

namespace w2v2 {

struct CudaBatchRunner::Impl {};

bool CudaBatchRunner::built() { return false; }

CudaBatchRunner::CudaBatchRunner(const Wav2Vec2CtcModel&, int device_index, const RuntimeConfig&) {
  throw ConfigError("device 'cuda:" + std::to_string(device_index) + "': this build has no CUDA");
}

CudaBatchRunner::~CudaBatchRunner() = default;

std::unique_ptr<PendingBatch> CudaBatchRunner::submit(const std::vector<const std::vector<float>*>&) {
  throw std::logic_error("CudaBatchRunner::submit in a build without CUDA");
}

std::string CudaBatchRunner::device_name() const { return "cpu"; }
int CudaBatchRunner::captured_graphs() const { return 0; }
void CudaBatchRunner::freeze_graphs() {}

}  // namespace w2v2
