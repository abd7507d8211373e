#pragma once

namespace w2v2::app {

enum class ExitCode : int {
  kOk = 0,
  kUsage = 2,           // bad command line
  kConfig = 3,          // invalid settings or config files
  kModelLoad = 4,       // the model folder cannot be used
  kPartialFailure = 5,  // the run finished but some inputs failed
  kToleranceExceeded = 6,  // eval: WER above --tolerance
  kOutput = 7,             // results or reports cannot be written
  kInternal = 70,
};

}  // namespace w2v2::app
