#pragma once

namespace w2v2 {

// CPUs this process may run on: the calling thread's affinity mask (taskset, cpusets, Slurm/Kubernetes
// pinning), capped by a cgroup v2 CPU quota (/sys/fs/cgroup/cpu.max), at least 1.
// std::thread::hardware_concurrency() counts every CPU of the machine, which oversubscribes pinned jobs.
int usable_cores();

}  // namespace w2v2
