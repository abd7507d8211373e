#pragma once

namespace w2v2 {

// Keeps freed host memory in the process for reuse instead of returning it to the kernel.
//
// Every forward pass allocates activations of tens of MB (wav2vec2-base, 10 s: 64 MB per conv-0
// output). glibc serves blocks above its mmap threshold (at most 32 MB) with fresh mmap()s and unmaps
// them on free, so each pass page-faults and zero-fills all of them again: measured here, 15 % of the
// process time in the kernel and 17 % of the forward time. This turns off mmap for allocations, keeps the
// heap top (no trimming) and uses one arena, so the blocks of one pass are reused by the next, from any
// thread. Peak resident memory stays at the high-water mark of the largest batch. glibc only; a no-op
// elsewhere. Returns whether the settings were applied.
bool keep_freed_host_memory();

// Gives the pages of freed heap memory back to the kernel (malloc_trim: the heap's top and whole free pages
// inside it). For a one-off drop, such as the float32 weights int8 quantization replaced: kept, their scattered
// holes would stay resident while activations too big to fit them grow the heap. glibc only; a no-op elsewhere.
void release_freed_host_memory();

}  // namespace w2v2
