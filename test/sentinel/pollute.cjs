// Pollutes Object.prototype before the sentinel loads (test fixture).
Object.prototype.pollutedEarly = 'early';
Object.prototype.t = 'x';
Object.prototype.pid = -1;
