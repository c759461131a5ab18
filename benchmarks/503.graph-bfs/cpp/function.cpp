// 503.graph-bfs: breadth-first search from node 0 over a seeded random graph.
//
// The graph has `size` nodes and 2 * size undirected edges (average degree 4). Edge k joins u = next() % size and
// v = next() % size, drawn from the suite's xorshift32 generator (benchmarks/README.md, "Seeded data"), so the C++,
// Python and Node.js handlers build the same graph and report the same counts for the same input.
#include "function_api.h"

#include <cstdint>
#include <vector>

namespace {

constexpr std::int64_t kMaxNodes = 1'000'000;
constexpr std::int64_t kMaxSeed = 0xFFFFFFFF;
constexpr std::int64_t kDefaultSeed = 42;
constexpr std::uint32_t kEdgesPerNode = 2;

// murmur3's fmix32 spreads neighbouring seeds apart; xorshift32 must never start from 0.
std::uint32_t seedState(std::uint32_t seed) {
    std::uint32_t h = seed ^ 0x9E3779B9u;
    h ^= h >> 16;
    h *= 0x85EBCA6Bu;
    h ^= h >> 13;
    h *= 0xC2B2AE35u;
    h ^= h >> 16;
    return h != 0 ? h : 0x6D2B79F5u;
}

class XorShift32 {
public:
    explicit XorShift32(std::uint32_t seed)
        : m_state(seedState(seed)) {}
    std::uint32_t next() {
        m_state ^= m_state << 13;
        m_state ^= m_state >> 17;
        m_state ^= m_state << 5;
        return m_state;
    }

private:
    std::uint32_t m_state;
};

struct Graph {
    std::vector<std::uint32_t> offsets;    // n + 1 entries: node u's neighbours are [offsets[u], offsets[u + 1])
    std::vector<std::uint32_t> neighbours; // compressed sparse rows keep a million nodes within tens of megabytes
};

struct Edges {
    std::vector<std::uint32_t> src;
    std::vector<std::uint32_t> dst;
};

Edges randomEdges(std::uint32_t n, std::uint32_t seed) {
    const std::size_t m = std::size_t{kEdgesPerNode} * n;
    Edges edges{std::vector<std::uint32_t>(m), std::vector<std::uint32_t>(m)};
    XorShift32 random(seed);
    for (std::size_t k = 0; k < m; ++k) {
        edges.src[k] = random.next() % n;
        edges.dst[k] = random.next() % n;
    }
    return edges;
}

Graph adjacency(std::uint32_t n, const Edges& edges) {
    Graph graph{std::vector<std::uint32_t>(std::size_t{n} + 1), std::vector<std::uint32_t>(2 * edges.src.size())};
    for (std::size_t k = 0; k < edges.src.size(); ++k) {
        ++graph.offsets[edges.src[k] + 1];
        ++graph.offsets[edges.dst[k] + 1];
    }
    for (std::uint32_t i = 0; i < n; ++i)
        graph.offsets[i + 1] += graph.offsets[i];
    std::vector<std::uint32_t> cursor(graph.offsets.begin(), graph.offsets.end() - 1);
    for (std::size_t k = 0; k < edges.src.size(); ++k) {
        graph.neighbours[cursor[edges.src[k]]++] = edges.dst[k];
        graph.neighbours[cursor[edges.dst[k]]++] = edges.src[k];
    }
    return graph;
}

struct Reach {
    std::uint32_t visited = 0;
    std::uint32_t levels = 0;
};

// A queue read level by level, so the number of levels falls out without storing a distance per node.
Reach bfs(const Graph& graph) {
    const std::size_t n = graph.offsets.size() - 1;
    std::vector<std::uint8_t> seen(n, 0);
    std::vector<std::uint32_t> queue(n);
    seen[0] = 1;
    std::size_t head = 0;
    std::size_t tail = 1;
    Reach reach;
    while (head < tail) {
        ++reach.levels;
        for (const std::size_t levelEnd = tail; head < levelEnd; ++head) {
            const std::uint32_t u = queue[head];
            for (std::uint32_t j = graph.offsets[u]; j < graph.offsets[u + 1]; ++j) {
                const std::uint32_t v = graph.neighbours[j];
                if (seen[v] == 0) {
                    seen[v] = 1;
                    queue[tail++] = v;
                }
            }
        }
    }
    reach.visited = static_cast<std::uint32_t>(tail);
    return reach;
}

nlohmann::json handler(const nlohmann::json& event, faaswb::bench::Context&) {
    faaswb::bench::requireObject(event);
    const auto n = static_cast<std::uint32_t>(faaswb::bench::integerField(event, "size", 1, kMaxNodes));
    const bool hasSeed = event.contains("seed") && !event["seed"].is_null();
    const auto seed =
        static_cast<std::uint32_t>(hasSeed ? faaswb::bench::integerField(event, "seed", 0, kMaxSeed) : kDefaultSeed);
    const Edges edges = randomEdges(n, seed);
    const Reach reach = bfs(adjacency(n, edges));
    return {{"nodes", n}, {"edges", edges.src.size()}, {"visited", reach.visited}, {"levels", reach.levels}};
}

} // namespace

FAASWB_REGISTER_BENCHMARK("503.graph-bfs", handler);
