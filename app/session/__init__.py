"""The signed-in session and where its refresh token is kept between runs."""
