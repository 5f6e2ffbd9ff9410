#pragma once

#include <cstddef>
#include <new>
#include <vector>

#include <sys/mman.h>

// The matcher's large arrays (hash tables, candidate pairs, the matches of a million rows) are
// fresh memory it touches once. Faulting that in 4 KB at a time was more than half of a
// million-row match on the 2-core VM the figures come from (1.9 s against 0.8 s with huge
// pages), so a block of 2 MB or more is mapped on its own, 2 MB aligned, and offered to the
// kernel for transparent huge pages. Smaller blocks come from the heap as usual.
template <typename T> struct HugePageAllocator
{
    using value_type = T;
    static constexpr size_t kHuge = size_t(2) << 20;

    HugePageAllocator() = default;
    template <typename U> HugePageAllocator(const HugePageAllocator<U> &) { }

    static size_t mapped(size_t n) { return (n * sizeof(T) + kHuge - 1) / kHuge * kHuge; }

    T *allocate(size_t n)
    {
        if (n * sizeof(T) < kHuge)
            return static_cast<T *>(::operator new(n * sizeof(T)));
        const size_t bytes = mapped(n);
        // Map 2 MB more than needed, then give back what lies outside the aligned block.
        char *raw = static_cast<char *>(
            mmap(nullptr, bytes + kHuge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
        if (raw == MAP_FAILED)
            throw std::bad_alloc();
        char *aligned = reinterpret_cast<char *>((reinterpret_cast<size_t>(raw) + kHuge - 1) / kHuge * kHuge);
        if (aligned > raw)
            munmap(raw, size_t(aligned - raw));
        if (const size_t tail = size_t(raw + bytes + kHuge - (aligned + bytes)); tail > 0)
            munmap(aligned + bytes, tail);
        madvise(aligned, bytes, MADV_HUGEPAGE); // advice: without it the block works as well, only slower
        return reinterpret_cast<T *>(aligned);
    }
    void deallocate(T *p, size_t n)
    {
        if (n * sizeof(T) < kHuge)
            ::operator delete(p);
        else
            munmap(p, mapped(n));
    }
    template <typename U> bool operator==(const HugePageAllocator<U> &) const { return true; }
};

template <typename T> using BigVector = std::vector<T, HugePageAllocator<T>>;
