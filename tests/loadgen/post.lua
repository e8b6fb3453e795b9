-- wrk script for Kysy's intake: POST /api/v1/questions with a JSON body
-- that varies per request (question, closing words, language, consent), so
-- the redactor and the database see realistic, varied rows.
--
--   wrk -t2 -c64 -d30s --latency -s tests/loadgen/post.lua http://127.0.0.1:8080
--
-- Every non-2xx response is counted in wrk's "Non-2xx or 3xx responses";
-- done() also prints the 201 count per thread set, which bench.sh compares
-- with the rows in the database.

local questions = {
  {"fi", "Mun isä juo joka viikonloppu ja huutaa äidille. Voiko sossu viedä mut pois kotoa jos kerron tästä?"},
  {"fi", "Kaveri kertoi että sen kotona lyödään. Sen numero on 040 123 4567, voitteko soittaa sille?"},
  {"fi", "Saako koulukuraattori kertoa vanhemmille jos mä puhun sille masennuksesta?"},
  {"fi", "Mitä lastensuojeluilmoituksen jälkeen tapahtuu? Mä oon 14 ja pelkään että joudun laitokseen."},
  {"fi", "Äiti sanoo että jos kerron kenellekään, se tappaa itsensä. Mun sähköposti on salainen.tyttö99@example.com"},
  {"fi", "Voinko itse hakea sijaisperheeseen? Kotona on tosi paha olla ja koulu menee huonosti."},
  {"fi", "Onko normaalia että isäpuoli lukee mun viestit? Soita mulle +358 50 765 4321 jos voit."},
  {"fi", "Mun pikkusisko ei saa ruokaa kun äiti on töissä. Mitä mä voin tehdä?"},
  {"sv", "Min pappa dricker och jag är rädd när han kommer hem. Kan socialen hjälpa mig utan att han vet?"},
  {"sv", "Får skolkuratorn berätta för mina föräldrar om jag säger att jag skadar mig själv?"},
  {"sv", "Min kompis blir slagen hemma. Hennes mejl är kompis.hjalp@example.org, kan ni kontakta henne?"},
  {"sv", "Vad händer om jag gör en barnskyddsanmälan om mig själv? Ring mig på 045 987 6543."},
  {"sv", "Jag vill inte bo hemma längre. Kan jag flytta till min mormor fast mamma säger nej?"},
  {"en", "My mom's boyfriend yells at me every night. Can a social worker help me without telling him?"},
  {"en", "Is it true that child protection can take me away if I tell the school nurse about home?"},
  {"en", "My friend says her dad hits her. Email me at worried.friend@example.net, what should I do?"},
  {"en", "I am 15 and my parents lock me in my room. Call me on 050 111 2233 after school please."},
  {"en", "Can I talk to a social worker anonymously? I don't want my dad to find out."},
  {"fi", "Meillä on kotona väkivaltaa ja mä soitin jo 112 kerran. Mitä nyt tapahtuu?"},
  {"fi", "Mun hetu on 131052-308T ja sossu kysyi sitä, onko se ok antaa puhelimessa?"},
  {"sv", "Jag har ringt 116 111 men ingen svarade. Vem kan jag prata med i kväll?"},
  {"en", "My teacher noticed bruises. Will they call my parents first or the police?"},
}

-- Closing words appended to vary the text without adding digits (digits
-- would send every question through the phone-number pattern, which real
-- questions mostly do not need).
local endings = {
  fi = {"", " Kiitos.", " Apua.", " En tiedä mitä tehdä.", " Älkää kertoko kenellekään."},
  sv = {"", " Tack.", " Hjälp.", " Jag vet inte vad jag ska göra.", " Säg inte till någon."},
  en = {"", " Thanks.", " Please help.", " I don't know what to do.", " Please don't tell anyone."},
}

local counter = 0
local thread_id = 0
local threads = {}
created = 0

function init(args)
  counter = id * 7919
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  counter = counter + 1
  local q = questions[(counter % #questions) + 1]
  local e = endings[q[1]]
  local ending = e[math.floor(counter / #questions) % #e + 1]
  local consent = (counter % 3 == 0) and "true" or "false"
  local body = string.format('{"text":"%s%s","lang":"%s","consent_publish":%s}',
    q[2], ending, q[1], consent)
  return wrk.format("POST", "/api/v1/questions", nil, body)
end

function response(status, headers, body)
  if status == 201 then
    created = created + 1
  end
end

function setup(thread)
  thread:set("id", thread_id)
  thread_id = thread_id + 1
  table.insert(threads, thread)
end

function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do
    total = total + t:get("created")
  end
  io.write(string.format("wrk-201: %d\n", total))
  io.write(string.format("wrk-requests: %d\n", summary.requests))
  io.write(string.format("wrk-p50-ms: %.2f\nwrk-p90-ms: %.2f\nwrk-p99-ms: %.2f\nwrk-max-ms: %.2f\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
