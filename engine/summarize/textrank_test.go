package summarize

import (
	"math"
	"testing"
)

func TestTFIDFUnitLength(t *testing.T) {
	docs := [][]string{{"cloud", "database", "cloud"}, {"billing"}, nil}
	vecs := tfidf(docs)
	for i, want := range []float64{1, 1, 0} {
		var sum float64
		for _, x := range vecs[i] {
			sum += x.weight * x.weight
		}
		if math.Abs(sum-want) > 1e-12 {
			t.Errorf("squared length of vector %d = %v, want %v", i, sum, want)
		}
	}
	if got := cosine(vecs[0], vecs[0]); math.Abs(got-1) > 1e-12 {
		t.Errorf("cosine(v, v) = %v, want 1", got)
	}
	if got := cosine(vecs[0], vecs[1]); got != 0 {
		t.Errorf("cosine of disjoint vectors = %v, want 0", got)
	}
}

// hub is a set of documents where document 0 shares a term with each of
// the others, which share nothing with one another.
var hub = [][]string{
	{"alpha", "beta", "gamma", "delta"},
	{"alpha", "one"},
	{"beta", "two"},
	{"gamma", "three"},
	{"delta", "four"},
	{"five", "six"},
}

func TestScoresFavourTheHub(t *testing.T) {
	vecs := tfidf(hub)
	for name, score := range map[string][]float64{
		"textRank": textRank(vecs),
		"centroid": centroidScores(vecs),
	} {
		for i := 1; i < len(score); i++ {
			if score[i] >= score[0] {
				t.Errorf("%s: score[%d] = %v, want below the hub's %v", name, i, score[i], score[0])
			}
		}
	}
}

func TestTextRankIsADistribution(t *testing.T) {
	rank := textRank(tfidf(hub))
	var sum float64
	for _, r := range rank {
		sum += r
	}
	if math.Abs(sum-1) > 1e-9 {
		t.Errorf("ranks sum to %v, want 1", sum)
	}
	// Document 5 has no edges: it keeps only the teleport share.
	if rank[5] >= rank[1] {
		t.Errorf("isolated rank %v, want below a connected one's %v", rank[5], rank[1])
	}
}

func TestScoresSwitchToCentroidAboveMaxGraph(t *testing.T) {
	docs := make([][]string, maxGraph+1)
	for i := range docs {
		docs[i] = []string{"common", "word"}
	}
	docs[0] = []string{"common", "word", "rare"}
	got := scores(tfidf(docs))
	want := centroidScores(tfidf(docs))
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("scores[%d] = %v, want centroid score %v", i, got[i], want[i])
		}
	}
}
