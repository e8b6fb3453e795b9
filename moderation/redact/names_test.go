package redact

import (
	"reflect"
	"testing"
)

func TestDetectNames(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"Jennan äiti soitti Villelle eilen.", []string{"Jennan", "Villelle"}},
		{"Sain viestin Mikasta ja Virtasen perheestä.", []string{"Mikasta", "Virtasen"}},
		{"moi oon aino ja mun isä juo", []string{"aino"}},
		{"mun nimi on jenna ja oon 14", []string{"jenna"}},
		{"jag heter elvira och bor i Vasa", []string{"elvira"}},
		{"Kiitos vastauksesta. t. jenna", []string{"jenna"}},
		{"Anna-Liisalle kävi huonosti.", []string{"Anna-Liisalle"}},
		{"Toivon että sossu vastaa pian.", nil},
		{"Lumi sataa ja onni potkaisi.", nil},
		{"Toivo sanoi että mä valehtelen.", []string{"Toivo"}},
		{"Tuuli on mun isosisko. Tuulille se oli vaikeaa.", []string{"Tuuli", "Tuulille"}},
		{"My brother Will is 17. Will says no.", []string{"Will", "Will"}},
		{"I will call you, frankly.", nil},
		{"Mun pikkusiskon Zyrah pitää päästä pois.", []string{"Zyrah"}},
		{"Asun Jyväskylässä ja äidilleni en voi kertoa.", nil},
		{"se on J o o n a s ja oon 15", []string{"J o o n a s"}},
		{"Mä oon [NAME] ja [ID] on mun hetu.", nil},
	}
	for _, tc := range cases {
		var got []string
		for _, m := range detectNames(tc.in, nil) {
			got = append(got, tc.in[m.start:m.end])
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("detectNames(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
