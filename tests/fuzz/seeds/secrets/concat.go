var key = "-----BEGIN RSA PRIVATE KEY-----\n" +
	"MIIAyAw8BpdFJr+f37alAD/i5rOczK38OcHDaAGOZezRnFfmZbgBx9rPrCL8fpQK\n" +
	"0E/LilslBbKH0ptN7IT4Vu8XijLYI7Ui4gpUUi/NjZtqanmqiSMmvO8ZVpiKtnbI\n" +
	"zFj3hKhxhH0PzqLdf4lhJVTjS4brU0ZG4biezXs7aZwiNnTLpPwzXxccC24R/eKv\n" +
	"jDxYMHHMd/3mwVZ2eJHsx2znhKn+OG0oFwcC9aPEk2TMUU0PB8ZKHcKCQijsmwcS\n" +
	"H0IVjDzdLmEO/0KO\n" +
	"-----END RSA PRIVATE KEY-----\n"
