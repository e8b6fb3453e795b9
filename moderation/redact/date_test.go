package redact

import "testing"

func TestDetectBirthDates(t *testing.T) {
	runDetCases(t, detectBirthDates, KindDate, []detCase{
		// With a birth cue: any year, also without a year.
		{"olen syntynyt 3.11.2012 Oulussa", []string{"3.11.2012"}},
		{"(s. 28.2.2015)", []string{"28.2.2015"}},
		{"synt. 5.6.", []string{"5.6."}},
		{"mun synttärit on 24.12. ja", []string{"24.12."}},
		{"synnyin 12.3.10", []string{"12.3.10"}},
		{"syntymäpäivä 12. maaliskuuta", []string{"12. maaliskuuta"}},
		{"jag är född 7 juni 2011", []string{"7 juni 2011"}},
		{"född 2011-06-07", []string{"2011-06-07"}},
		{"born March 12, 2010 in Turku", []string{"March 12, 2010"}},
		{"DOB 12/03/2009", []string{"12/03/2009"}},
		{"my birthday is the 4th of July", []string{"4th of July"}},
		{"vauva syntyi 2.1.2025", []string{"2.1.2025"}},
		{"3.11.2012 syntynyt poika", []string{"3.11.2012"}},
		// Without a cue: full dates with a year 1990–2023.
		{"päivämäärä 14.7.2011 lukee papereissa", []string{"14.7.2011"}},
		{"it says 12th March 2009 on my file", []string{"12th March 2009"}},
		{"12. toukokuuta 2008 muutettiin", []string{"12. toukokuuta 2008"}},
		{"ISO 2009-05-17", []string{"2009-05-17"}},
		{"07/02/1995", []string{"07/02/1995"}},
		// Hard negatives.
		{"12.3.2024 tapaaminen sossun kanssa", nil},
		{"tapaaminen 1.2.2026 klo 10", nil},
		{"12.3. on tapaaminen", nil},
		{"kello 14.30 ja klo 16", nil},
		{"vuonna 2019 ja 2010", nil},
		{"lastensuojelulaki 417/2007 40 §", nil},
		{"IP 10.12.20.10 ja versio 1.2.3", nil},
		{"31.2.2010 ei ole päivä", nil},
		{"12.3.10 ilman vihjettä", nil},
		{"olen 14v, 20 €, soita 112 tai 116 111", nil},
		{"COVID-19 ja 1.5 km", nil},
		{"040-123-4567", nil},
		{"Synnyin Oulussa. Tapaaminen on 12.3.2024.", nil},
		{"May 5 people came", nil},
	})
}
