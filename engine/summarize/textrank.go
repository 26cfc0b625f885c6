package summarize

import "math"

// TextRank parameters.
const (
	damping       = 0.85
	tolerance     = 1e-6
	maxIterations = 100
	// maxGraph is the most sentences ranked with TextRank, whose graph
	// grows with the square of their number; more are ranked by their
	// similarity to the whole text instead.
	maxGraph = 2500
)

// term is one entry of a sparse TF-IDF vector.
type term struct {
	id     int
	weight float64
}

// vector is a sparse TF-IDF vector with terms in ascending id order and
// unit length, or no terms at all.
type vector []term

// tfidf returns a unit-length TF-IDF vector per document, each sentence a
// document: term frequency damped as 1+ln(tf), inverse document frequency
// smoothed as 1+ln((1+n)/(1+df)). Term ids are given in order of first
// appearance, so that every sum below runs in the same order on every run.
func tfidf(docs [][]string) []vector {
	ids := make(map[string]int)
	counts := make([]map[int]int, len(docs))
	var df []int
	for i, doc := range docs {
		counts[i] = make(map[int]int)
		for _, w := range doc {
			id, ok := ids[w]
			if !ok {
				id = len(ids)
				ids[w] = id
				df = append(df, 0)
			}
			if counts[i][id] == 0 {
				df[id]++
			}
			counts[i][id]++
		}
	}
	n := float64(len(docs))
	vecs := make([]vector, len(docs))
	for i, doc := range docs {
		var v vector
		var norm float64
		seen := make(map[int]bool)
		for _, w := range doc {
			id := ids[w]
			if seen[id] {
				continue
			}
			seen[id] = true
			x := (1 + math.Log(float64(counts[i][id]))) * (1 + math.Log((1+n)/(1+float64(df[id]))))
			v = append(v, term{id, x})
		}
		sortTerms(v)
		for _, t := range v {
			norm += t.weight * t.weight
		}
		norm = math.Sqrt(norm)
		for j := range v {
			v[j].weight /= norm
		}
		vecs[i] = v
	}
	return vecs
}

// sortTerms sorts v by id; vectors are short, so insertion sort will do.
func sortTerms(v vector) {
	for i := 1; i < len(v); i++ {
		for j := i; j > 0 && v[j].id < v[j-1].id; j-- {
			v[j], v[j-1] = v[j-1], v[j]
		}
	}
}

// cosine returns the cosine similarity of two unit-length vectors.
func cosine(a, b vector) float64 {
	var sum float64
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i].id < b[j].id:
			i++
		case a[i].id > b[j].id:
			j++
		default:
			sum += a[i].weight * b[j].weight
			i++
			j++
		}
	}
	return sum
}

// edge is a weighted edge of the similarity graph.
type edge struct {
	to     int
	weight float64
}

// scores returns a centrality score per vector: TextRank over the cosine
// similarity graph, or, above maxGraph vectors, the cosine similarity to
// the centroid of all of them.
func scores(vecs []vector) []float64 {
	if len(vecs) > maxGraph {
		return centroidScores(vecs)
	}
	return textRank(vecs)
}

// textRank runs PageRank on the graph whose edge weights are the cosine
// similarities between sentences: damping 0.85, uniform start, the rank of
// sentences without edges spread evenly, until the ranks change by less
// than 1e-6 in all (L1) or after 100 iterations.
func textRank(vecs []vector) []float64 {
	n := len(vecs)
	adj := make([][]edge, n)
	out := make([]float64, n)
	for i := range vecs {
		for j := i + 1; j < n; j++ {
			if w := cosine(vecs[i], vecs[j]); w > 0 {
				adj[i] = append(adj[i], edge{j, w})
				adj[j] = append(adj[j], edge{i, w})
				out[i] += w
				out[j] += w
			}
		}
	}
	rank := make([]float64, n)
	next := make([]float64, n)
	for i := range rank {
		rank[i] = 1 / float64(n)
	}
	for range maxIterations {
		var dangling float64
		for j, o := range out {
			if o == 0 {
				dangling += rank[j]
			}
		}
		base := (1-damping)/float64(n) + damping*dangling/float64(n)
		var diff float64
		for i := range next {
			var sum float64
			for _, e := range adj[i] {
				sum += e.weight / out[e.to] * rank[e.to]
			}
			next[i] = base + damping*sum
			diff += math.Abs(next[i] - rank[i])
		}
		rank, next = next, rank
		if diff < tolerance {
			break
		}
	}
	return rank
}

// centroidScores returns each vector's dot product with the sum of all
// vectors, which ranks them as their cosine similarity to the centroid
// would: a linear-time stand-in for TextRank on very long texts.
func centroidScores(vecs []vector) []float64 {
	var centroid []float64
	for _, v := range vecs {
		for _, t := range v {
			for t.id >= len(centroid) {
				centroid = append(centroid, 0)
			}
			centroid[t.id] += t.weight
		}
	}
	out := make([]float64, len(vecs))
	for i, v := range vecs {
		for _, t := range v {
			out[i] += t.weight * centroid[t.id]
		}
	}
	return out
}
